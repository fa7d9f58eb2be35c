import assert from "node:assert/strict";
import { normalizeEpisodePage } from "../../src/opencast/normalize_episode_page.ts";
import { assertContractError } from "../support/assert_contract_error.ts";

Deno.test("normalizeEpisodePage() reads Solr-era pages with one, several or no results", () => {
  const one = normalizeEpisodePage({
    "search-results": {
      total: "1",
      limit: "1",
      offset: "0",
      result: { id: "mp-1", mediapackage: { id: "mp-1" } },
    },
  });
  assert.deepEqual(one, {
    total: 1,
    episodes: [{ id: "mp-1", attachments: [] }],
    format: "solr",
  });
  const two = normalizeEpisodePage({
    "search-results": {
      total: 2,
      result: [{ id: "mp-1" }, { id: "mp-2" }],
    },
  });
  assert.deepEqual(two.episodes.map((episode) => episode.id), ["mp-1", "mp-2"]);
  assert.deepEqual(
    normalizeEpisodePage({ "search-results": { total: "0", limit: "0" } }),
    { total: 0, episodes: [], format: "solr" },
  );
});

Deno.test("normalizeEpisodePage() reads the OC 16 page without a wrapper", () => {
  const page = normalizeEpisodePage({
    offset: 0,
    total: 1,
    limit: 20,
    result: [{ mediapackage: { id: "mp-9" }, dc: { isPartOf: ["42"] } }],
  });
  assert.deepEqual(page, {
    total: 1,
    episodes: [{ id: "mp-9", series: "42", attachments: [] }],
    format: "opensearch",
  });
});

Deno.test("normalizeEpisodePage() leaves the total unknown when the server gives none", () => {
  const page = normalizeEpisodePage({ limit: 2, result: [{ id: "mp-1" }] });
  assert.equal(page.total, undefined);
  assert.equal(page.format, "opensearch");
  assert.equal(page.episodes.length, 1);
});

Deno.test("normalizeEpisodePage() throws ApiContractError for an unknown shape", () => {
  assertContractError(
    () => normalizeEpisodePage({ actions: {} }),
    "/search/episode.json",
  );
});

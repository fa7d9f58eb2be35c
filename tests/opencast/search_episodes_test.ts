import assert from "node:assert/strict";
import { searchEpisodes } from "../../src/opencast/search_episodes.ts";
import { engageClient, json } from "./_fake_opencast.ts";

Deno.test("searchEpisodes() asks the Solr era newest created first, with the DCE window when given", async () => {
  const { fake, client } = engageClient(() =>
    json({
      "search-results": {
        total: "3",
        result: [{ id: "mp-1" }, { id: "mp-2" }],
      },
    })
  );

  const page = await searchEpisodes(client, {
    createdFrom: "2024-03-01T00:00:00Z",
    createdTo: "2024-03-02T00:00:00Z",
    includeDeleted: true,
    limit: 2,
    offset: 0,
  });

  assert.equal(page.total, 3);
  assert.equal(page.format, "solr");
  assert.deepEqual(page.episodes.map((episode) => episode.id), [
    "mp-1",
    "mp-2",
  ]);
  assert.equal(
    fake.requests[0]!.url.search,
    "?includeDeleted=true&sort=DATE_CREATED_DESC&createdFrom=2024-03-01T00%3A00%3A00Z&createdTo=2024-03-02T00%3A00%3A00Z&limit=2&offset=0",
  );
});

Deno.test("searchEpisodes() sends no DCE parameter unless asked", async () => {
  const { fake, client } = engageClient(() =>
    json({ "search-results": { total: 0 } })
  );

  await searchEpisodes(client, { limit: 100, offset: 200 });

  assert.equal(
    fake.requests[0]!.url.search,
    "?sort=DATE_CREATED_DESC&limit=100&offset=200",
  );
});

Deno.test("searchEpisodes() asks OC 16+ by modification, at most 250, without DCE parameters", async () => {
  const { fake, client } = engageClient(() =>
    json({ offset: 0, total: 1, limit: 250, result: [{ id: "mp-1" }] })
  );

  const page = await searchEpisodes(client, {
    format: "opensearch",
    createdFrom: "2024-03-01T00:00:00Z",
    includeDeleted: true,
    limit: 1000,
    offset: 500,
  });

  assert.equal(page.format, "opensearch");
  const params = fake.requests[0]!.url.searchParams;
  assert.equal(params.get("sort"), "modified desc");
  assert.equal(params.get("limit"), "250");
  assert.equal(params.get("offset"), "500");
  assert.deepEqual([...params.keys()].sort(), ["limit", "offset", "sort"]);
});

Deno.test("searchEpisodes() rejects a date that is not ISO UTC before any request", async () => {
  const { fake, client } = engageClient(() => json({}));

  await assert.rejects(
    searchEpisodes(client, {
      createdFrom: "2024-03-01T00:00:00-05:00",
      limit: 10,
      offset: 0,
    }),
    RangeError,
  );
  assert.equal(fake.requests.length, 0);
});

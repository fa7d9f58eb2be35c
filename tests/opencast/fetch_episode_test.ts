import assert from "node:assert/strict";
import { fetchEpisode } from "../../src/opencast/fetch_episode.ts";
import { engageClient, json } from "./_fake_opencast.ts";

Deno.test("fetchEpisode() asks for one episode, deleted ones included", async () => {
  const { fake, client } = engageClient(() =>
    json({
      "search-results": {
        total: "1",
        result: { id: "mp-1", mediapackage: { id: "mp-1", title: "T" } },
      },
    })
  );

  const episode = await fetchEpisode(client, "mp-1");

  assert.deepEqual(episode, { id: "mp-1", title: "T", attachments: [] });
  const params = fake.requests[0]!.url.searchParams;
  assert.equal(fake.requests[0]!.url.pathname, "/search/episode.json");
  assert.equal(params.get("id"), "mp-1");
  assert.equal(params.get("includeDeleted"), "true");
  assert.equal(params.get("limit"), "1");
});

Deno.test("fetchEpisode() resolves null when nothing (or another episode) matched", async () => {
  const answers = [
    { "search-results": { total: "0" } },
    { "search-results": { total: "1", result: { id: "mp-other" } } },
  ];
  const { client } = engageClient((_request, index) => json(answers[index]));

  assert.equal(await fetchEpisode(client, "mp-1"), null);
  assert.equal(await fetchEpisode(client, "mp-1"), null);
});

Deno.test("fetchEpisode() leaves includeDeleted out when told, and reads the OC 16 format", async () => {
  const { fake, client } = engageClient(() =>
    json({ total: 1, result: [{ mediapackage: { id: "mp-1" }, dc: {} }] })
  );

  const episode = await fetchEpisode(client, "mp-1", { includeDeleted: false });

  assert.equal(episode?.id, "mp-1");
  assert.equal(fake.requests[0]!.url.search, "?id=mp-1&limit=1");
});

import assert from "node:assert/strict";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { searchEpisodes } from "../../src/opencast/search_episodes.ts";
import { fakeFetch, json } from "./_fake_opencast.ts";

Deno.test("searchEpisodes() sends the DCE date filters, sort and an explicit limit", async () => {
  const fake = fakeFetch(() =>
    json({
      "search-results": {
        total: "3",
        result: [{ id: "mp-1" }, { id: "mp-2" }],
      },
    })
  );
  const client = new OpencastClient({ host: "engage", fetch: fake.fetch });

  const page = await searchEpisodes(client, {
    createdFrom: "2024-03-01T00:00:00Z",
    limit: 2,
    offset: 0,
  });

  assert.equal(page.total, 3);
  assert.deepEqual(page.episodes.map((episode) => episode.id), [
    "mp-1",
    "mp-2",
  ]);
  assert.equal(
    fake.requests[0]!.url.search,
    "?includeDeleted=true&sort=DATE_CREATED&createdFrom=2024-03-01T00%3A00%3A00Z&limit=2&offset=0",
  );
});

Deno.test("searchEpisodes() rejects a date that is not ISO UTC before any request", async () => {
  const fake = fakeFetch(() => json({}));
  const client = new OpencastClient({ host: "engage", fetch: fake.fetch });

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

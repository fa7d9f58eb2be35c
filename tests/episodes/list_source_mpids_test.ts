import assert from "node:assert/strict";
import { listSourceMpids } from "../../src/episodes/list_source_mpids.ts";
import { createElasticsearchClient } from "../../src/elasticsearch/elasticsearch_client.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";

Deno.test("listSourceMpids() lists every distinct id across several composite pages", async () => {
  await using fake = startElasticsearchFake();
  const expected: string[] = [];
  for (let i = 0; i < 23; i += 1) {
    const mpid = `mp-${String(i).padStart(3, "0")}`;
    expected.push(mpid);
    // Each id in two daily indexes and twice in one, to prove de-duplication.
    fake.seed("useractions-2024.03.01", `${i}-a`, { mpid });
    fake.seed("useractions-2024.03.01", `${i}-b`, { mpid });
    fake.seed("useractions-2024.03.02", `${i}-c`, { mpid });
  }
  fake.seed("other-2024.03.01", "x", { mpid: "not-listed" });
  const client = createElasticsearchClient({ host: fake.host });
  try {
    const mpids = await listSourceMpids(client, "useractions-*", {
      pageSize: 5,
    });
    assert.deepEqual(mpids, expected);
    // 4 full pages, 1 partial page, 1 empty page that ends the paging.
    assert.equal(fake.requestCounts.get("POST /{index}/_search"), 6);
  } finally {
    await client.close();
  }
});

Deno.test("listSourceMpids() returns nothing for a pattern that matches no index", async () => {
  await using fake = startElasticsearchFake();
  const client = createElasticsearchClient({ host: fake.host });
  try {
    assert.deepEqual(await listSourceMpids(client, "useractions-1999.*"), []);
  } finally {
    await client.close();
  }
});

Deno.test("listSourceMpids() returns nothing for a named index that does not exist, and skips it among others", async () => {
  await using fake = startElasticsearchFake();
  fake.seed("useractions-2024.03.02", "1", { mpid: "mp-1" });
  const client = createElasticsearchClient({ host: fake.host });
  try {
    // Yesterday's index when yesterday had no actions: nothing, not an error.
    assert.deepEqual(
      await listSourceMpids(client, "useractions-2024.03.01"),
      [],
    );
    assert.deepEqual(
      await listSourceMpids(
        client,
        "useractions-2024.03.01,useractions-2024.03.02",
      ),
      ["mp-1"],
    );
  } finally {
    await client.close();
  }
});

import assert from "node:assert/strict";
import { detectSearchApi } from "../../src/opencast/detect_search_api.ts";
import { engageClient, json } from "./_fake_opencast.ts";

function server(version: string | null, search: unknown) {
  return engageClient((request) => {
    if (request.url.pathname === "/info/components.json") {
      return version === null
        ? new Response("", { status: 404 })
        : json({ version });
    }
    return json(search);
  });
}

const SOLR = { "search-results": { total: 0 } };
const OPENSEARCH = { total: 0, result: [] };

Deno.test("detectSearchApi() goes by the version when the node reports one", async () => {
  for (
    const [version, format] of [
      ["5.0.0-SNAPSHOT", "solr"],
      ["11.3", "solr"],
      ["15.9", "solr"],
      ["16.0", "opensearch"],
      ["17.1-SNAPSHOT", "opensearch"],
    ] as const
  ) {
    const { fake, client } = server(version, null);
    const api = await detectSearchApi(client);
    assert.equal(api.format, format, version);
    assert.equal(api.version, version);
    assert.equal(api.dceParameters, format === "solr", version);
    assert.equal(api.dceTrusted, false);
    // No search needed.
    assert.equal(fake.requests.length, 1, version);
  }
});

Deno.test("detectSearchApi() reads the search answer's shape when there is no version", async () => {
  for (
    const [search, format] of [[SOLR, "solr"], [
      OPENSEARCH,
      "opensearch",
    ]] as const
  ) {
    const { fake, client } = server(null, search);
    const api = await detectSearchApi(client);
    assert.equal(api.format, format);
    const probe = fake.requests[1]!.url;
    assert.equal(probe.pathname, "/search/episode.json");
    assert.equal(probe.search, "?limit=1&offset=0");
  }
});

Deno.test("detectSearchApi() upstream never sends the DCE parameters; dce asks nothing and trusts them", async () => {
  const upstream = server("8.0", null);
  assert.deepEqual(
    await detectSearchApi(upstream.client, { mode: "upstream" }),
    {
      format: "solr",
      dceParameters: false,
      dceTrusted: false,
      version: "8.0",
    },
  );
  const dce = server("16.0", null);
  assert.deepEqual(await detectSearchApi(dce.client, { mode: "dce" }), {
    format: "solr",
    dceParameters: true,
    dceTrusted: true,
  });
  assert.equal(dce.fake.requests.length, 0);
});

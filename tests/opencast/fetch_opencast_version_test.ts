import assert from "node:assert/strict";
import { UnreachableError } from "../../src/errors.ts";
import { fetchOpencastVersion } from "../../src/opencast/fetch_opencast_version.ts";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { fakeFetch, fakeSleep, json } from "./_fake_opencast.ts";

function client(answer: () => Response) {
  const fake = fakeFetch(answer);
  return {
    fake,
    client: new OpencastClient({
      host: "engage",
      fetch: fake.fetch,
      sleep: fakeSleep().sleep,
      maxAttempts: 2,
    }),
  };
}

Deno.test("fetchOpencastVersion() reads the version of /info/components.json", async () => {
  const { fake, client: engage } = client(() =>
    json({ engage: "https://engage", rest: [], version: "16.3" })
  );
  assert.equal(await fetchOpencastVersion(engage), "16.3");
  assert.equal(fake.requests[0]!.url.pathname, "/info/components.json");
});

Deno.test("fetchOpencastVersion() is undefined when the node does not say", async () => {
  for (
    const answer of [
      () => new Response("", { status: 404 }),
      () => new Response("<html>", { status: 200 }),
      () => new Response("", { status: 403 }),
      () => json({ rest: [] }),
      () => json({ version: "" }),
    ]
  ) {
    const { client: engage } = client(answer);
    assert.equal(await fetchOpencastVersion(engage), undefined);
  }
});

Deno.test("fetchOpencastVersion() lets an unreachable node fail the run", async () => {
  const { client: engage } = client(() => new Response("", { status: 503 }));
  await assert.rejects(fetchOpencastVersion(engage), UnreachableError);
});

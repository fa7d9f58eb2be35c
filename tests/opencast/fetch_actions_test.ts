import assert from "node:assert/strict";
import { fetchActions } from "../../src/opencast/fetch_actions.ts";
import { engageClient, json } from "./_fake_opencast.ts";

Deno.test("fetchActions() asks for the window and page and normalizes the answer", async () => {
  const { fake, client } = engageClient(() =>
    json({
      actions: {
        total: "1",
        offset: "0",
        limit: "1000",
        action: {
          id: 1,
          mediapackageId: "mp-1",
          sessionId: { sessionId: "s", userId: 7 },
          type: "PLAY",
          isPlaying: 1,
          created: "2016-10-21T14:00:00-04:00",
        },
      },
    })
  );

  const page = await fetchActions(client, {
    start: "20161021140000",
    end: "20161021140200",
    limit: 1000,
    offset: 0,
  });

  assert.equal(
    fake.requests[0]!.url.href,
    "http://engage/usertracking/actions.json?start=20161021140000&end=20161021140200&limit=1000&offset=0",
  );
  assert.equal(page.total, 1);
  assert.equal(page.actions[0]!.userId, "7");
});

Deno.test("fetchActions() rejects a malformed window before any request", async () => {
  const { fake, client } = engageClient(() => json({}));

  await assert.rejects(
    fetchActions(client, {
      start: "2016-10-21 14:00",
      end: "20161021140200",
      limit: 10,
      offset: 0,
    }),
    RangeError,
  );
  await assert.rejects(
    fetchActions(client, {
      start: "20161021140000",
      end: "20161021140200",
      limit: 0,
      offset: 0,
    }),
    RangeError,
  );
  assert.equal(fake.requests.length, 0);
});

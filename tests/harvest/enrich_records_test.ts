import assert from "node:assert/strict";
import { enrichRecords } from "../../src/harvest/enrich_records.ts";
import type { Episode } from "../../src/opencast/types.ts";
import { userAction } from "../support/user_action.ts";

Deno.test("enrichRecords() looks up the batch's episodes once and builds a record per action", async () => {
  const asked: string[][] = [];
  const lecture: Episode = { id: "mp-1", title: "Lecture", attachments: [] };
  const records = await enrichRecords([
    userAction(1, "2024-03-01T10:00:00-05:00", "mp-1"),
    userAction(2, "2024-03-01T10:00:01-05:00", "mp-2"),
    userAction(3, "2024-03-01T10:00:01-05:00", "mp-1"),
  ], {
    lookup(ids) {
      asked.push([...ids]);
      return Promise.resolve(new Map([["mp-1", lecture], ["mp-2", null]]));
    },
  });
  assert.equal(asked.length, 1);
  assert.deepEqual(records.map((r) => [r.action_id, r.episode.title]), [
    [1, "Lecture"],
    [2, undefined],
    [3, "Lecture"],
  ]);
  assert.equal(records[0]!.timestamp, "2024-03-01T15:00:00+00:00");
});

Deno.test("enrichRecords() asks nothing for an empty batch", async () => {
  const records = await enrichRecords([], {
    lookup: () => Promise.reject(new Error("must not be asked")),
  });
  assert.deepEqual(records, []);
});

import assert from "node:assert/strict";
import { filterDelivered } from "../../src/harvest/filter_delivered.ts";
import type { UserAction } from "../../src/opencast/types.ts";

function action(id: number): UserAction {
  return {
    id,
    mediapackageId: "mp",
    sessionId: "s",
    userId: null,
    userIp: null,
    userAgent: null,
    inpoint: 0,
    outpoint: 0,
    length: 0,
    type: "PLAY",
    isPlaying: 1,
    created: "2016-10-21T14:03:27-04:00",
  };
}

const cases: [string, number[], number[], number[]][] = [
  ["nothing to skip", [3, 1, 2], [], [3, 1, 2]],
  ["some delivered", [3, 1, 2, 4], [1, 4], [3, 2]],
  ["all delivered", [1, 2], [1, 2, 9], []],
  ["ids not on the page", [5, 6], [1, 2], [5, 6]],
];
for (const [name, ids, skip, expected] of cases) {
  Deno.test(`filterDelivered() with ${name} keeps the rest in order`, () => {
    assert.deepEqual(
      filterDelivered(ids.map(action), new Set(skip)).map((a) => a.id),
      expected,
    );
  });
}

import assert from "node:assert/strict";
import {
  advanceCheckpoint,
  checkpointAtWindowEnd,
} from "../../src/checkpoint/advance_checkpoint.ts";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { ApiContractError } from "../../src/errors.ts";
import type { UserAction } from "../../src/opencast/types.ts";

function action(id: number, created: string): UserAction {
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
    type: "HEARTBEAT",
    isPlaying: 1,
    created,
  };
}

function at(timestamp: string, ids: number[]): Checkpoint {
  return { timestamp: Temporal.Instant.from(timestamp), ids };
}

function plain(checkpoint: Checkpoint | null) {
  return checkpoint === null
    ? null
    : { timestamp: checkpoint.timestamp.toString(), ids: [...checkpoint.ids] };
}

const cases: [
  string,
  Checkpoint | null,
  UserAction[],
  ReturnType<typeof plain>,
][] = [
  ["an empty page and no checkpoint", null, [], null],
  ["an empty page", at("2016-10-21T18:03:27Z", [1]), [], {
    timestamp: "2016-10-21T18:03:27Z",
    ids: [1],
  }],
  ["a first page", null, [
    action(1, "2016-10-21T14:03:25-04:00"),
    action(2, "2016-10-21T14:03:27-04:00"),
  ], { timestamp: "2016-10-21T18:03:27Z", ids: [2] }],
  ["an unordered page (the maximum, not the last)", null, [
    action(5, "2016-10-21T14:03:29-04:00"),
    action(3, "2016-10-21T14:03:27-04:00"),
    action(4, "2016-10-21T14:03:28-04:00"),
  ], { timestamp: "2016-10-21T18:03:29Z", ids: [5] }],
  ["several actions in the newest second, unordered", null, [
    action(9, "2016-10-21T14:03:29-04:00"),
    action(3, "2016-10-21T14:03:27-04:00"),
    action(7, "2016-10-21T14:03:29-04:00"),
    action(8, "2016-10-21T18:03:29Z"),
  ], { timestamp: "2016-10-21T18:03:29Z", ids: [7, 8, 9] }],
  ["fractions compared as whole seconds", null, [
    action(1, "2016-10-21T18:03:29.900Z"),
    action(2, "2016-10-21T18:03:29.100Z"),
    action(3, "2016-10-21T18:03:28.999Z"),
  ], { timestamp: "2016-10-21T18:03:29Z", ids: [1, 2] }],
  ["fractions before 1970 floored, not truncated", null, [
    action(1, "1969-12-31T23:59:59.500Z"),
    action(2, "1969-12-31T23:59:59Z"),
  ], { timestamp: "1969-12-31T23:59:59Z", ids: [1, 2] }],
  ["a page newer than the checkpoint", at("2016-10-21T18:03:27Z", [1, 2]), [
    action(3, "2016-10-21T14:03:30-04:00"),
  ], { timestamp: "2016-10-21T18:03:30Z", ids: [3] }],
  [
    "a page ending in the checkpoint's second (ids merged)",
    at("2016-10-21T18:03:27Z", [1, 2]),
    [
      action(4, "2016-10-21T14:03:26-04:00"),
      action(3, "2016-10-21T14:03:27-04:00"),
      action(2, "2016-10-21T18:03:27Z"),
    ],
    { timestamp: "2016-10-21T18:03:27Z", ids: [1, 2, 3] },
  ],
  ["an older page (never backwards)", at("2016-10-21T18:03:27Z", [1]), [
    action(0, "2016-10-21T14:03:26-04:00"),
  ], { timestamp: "2016-10-21T18:03:27Z", ids: [1] }],
];
for (const [name, current, page, expected] of cases) {
  Deno.test(`advanceCheckpoint() after ${name}`, () => {
    assert.deepEqual(plain(advanceCheckpoint(current, page)), expected);
  });
}

Deno.test("advanceCheckpoint() over consecutive pages ends at the overall maximum", () => {
  let checkpoint: Checkpoint | null = null;
  for (
    const page of [
      [action(1, "2016-10-21T18:00:05Z"), action(2, "2016-10-21T18:00:09Z")],
      [action(3, "2016-10-21T18:00:07Z")],
      [action(4, "2016-10-21T18:00:09Z"), action(5, "2016-10-21T18:00:01Z")],
    ]
  ) {
    checkpoint = advanceCheckpoint(checkpoint, page);
  }
  assert.deepEqual(plain(checkpoint), {
    timestamp: "2016-10-21T18:00:09Z",
    ids: [2, 4],
  });
});

Deno.test("advanceCheckpoint() refuses an unreadable created time", () => {
  assert.throws(
    () => advanceCheckpoint(null, [action(17, "yesterday")]),
    (error: unknown) =>
      error instanceof ApiContractError && /17/.test(error.message) &&
      /yesterday/.test(error.message),
  );
});

const endCases: [
  string,
  Checkpoint | null,
  string,
  ReturnType<typeof plain>,
][] = [
  ["no checkpoint", null, "2016-10-21T18:10:00.400Z", {
    timestamp: "2016-10-21T18:10:00Z",
    ids: [],
  }],
  [
    "an older checkpoint",
    at("2016-10-21T18:03:27Z", [1]),
    "2016-10-21T18:10:00Z",
    {
      timestamp: "2016-10-21T18:10:00Z",
      ids: [],
    },
  ],
  [
    "a checkpoint in the end's second (keeps its ids)",
    at("2016-10-21T18:10:00Z", [1]),
    "2016-10-21T18:10:00.900Z",
    {
      timestamp: "2016-10-21T18:10:00Z",
      ids: [1],
    },
  ],
  [
    "a newer checkpoint (never backwards)",
    at("2016-10-21T18:11:00Z", [1]),
    "2016-10-21T18:10:00Z",
    {
      timestamp: "2016-10-21T18:11:00Z",
      ids: [1],
    },
  ],
];
for (const [name, current, end, expected] of endCases) {
  Deno.test(`checkpointAtWindowEnd() with ${name}`, () => {
    assert.deepEqual(
      plain(checkpointAtWindowEnd(current, Temporal.Instant.from(end))),
      expected,
    );
  });
}

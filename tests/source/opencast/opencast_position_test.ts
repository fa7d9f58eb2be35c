import assert from "node:assert/strict";
import {
  opencastPosition,
  readOpencastPosition,
} from "../../../src/source/opencast/opencast_position.ts";
import { IdRanges } from "../../../src/util/id_ranges.ts";
import { parseCheckpoint } from "../../../src/checkpoint/checkpoint_format.ts";
import { ApiContractError } from "../../../src/errors.ts";

const NY = "America/New_York";

Deno.test("readOpencastPosition() reads back the days opencastPosition() writes, and none when there is none", () => {
  const written = opencastPosition({
    days: [{
      day: "20261204",
      total: 7,
      ids: new IdRanges([100, 101, 102, 150, 151, 9000]),
      first: [{ id: 101, offsetMs: 12_000 }, { id: 100, offsetMs: 3_500 }],
      last: [],
      partial: false,
    }, {
      day: "20261205",
      total: 0,
      ids: new IdRanges(),
      first: [],
      last: [{ id: 9000, offsetMs: 59_000 }],
      partial: true,
    }],
    filled: Temporal.Instant.from("2026-12-05T05:02:00Z"),
    closed: "20261203",
  });
  // Compact: ids as runs, edge rows as id steps and offsets.
  assert.deepEqual(JSON.parse(JSON.stringify(written)), {
    days: [
      {
        day: "20261204",
        total: 7,
        ids: [100, 3, 47, 2, 8848, 1],
        first: [100, 3500, 1, 12000],
      },
      {
        day: "20261205",
        total: 0,
        ids: [],
        last: [9000, 59000],
        partial: true,
      },
    ],
    filled: "2026-12-05T05:02:00Z",
    closed: "20261203",
  });
  const read = readOpencastPosition(written);
  assert.deepEqual([...read.days[0]!.ids], [100, 101, 102, 150, 151, 9000]);
  assert.deepEqual(read.days[0]!.first, [
    { id: 100, offsetMs: 3500 },
    { id: 101, offsetMs: 12000 },
  ]);
  assert.equal(read.days[1]!.partial, true);
  assert.equal(read.filled?.toString(), "2026-12-05T05:02:00Z");
  assert.equal(read.closed, "20261203");
  assert.deepEqual(readOpencastPosition(undefined), { days: [] });
  assert.deepEqual(readOpencastPosition(null), { days: [] });
  assert.deepEqual(readOpencastPosition({}), { days: [] });
});

Deno.test("readOpencastPosition() reads issue 8's day cursor, at the top level too, as no day state", () => {
  const checkpoint = parseCheckpoint(
    '{"version":1,"timestamp":"2026-12-04T18:03:27Z","ids":[987654],"cursor":{"day":"20261204","offset":12345,"id":987654}}',
    NY,
  );
  assert.deepEqual(readOpencastPosition(checkpoint.position), {
    days: [],
    legacyCursor: true,
  });
});

Deno.test("readOpencastPosition() rejects a malformed day cursor, in either form", () => {
  for (
    const cursor of [
      '{"day":"2026-12-04","offset":1,"id":1}',
      '{"day":"20261204","offset":0,"id":1}',
      '{"day":"20261204","offset":3}',
    ]
  ) {
    for (
      const text of [
        `{"version":1,"timestamp":"2016-10-21T18:03:27Z","cursor":${cursor}}`,
        `{"version":1,"timestamp":"2016-10-21T18:03:27Z","source":"opencast","position":{"cursor":${cursor}}}`,
      ]
    ) {
      assert.throws(
        () => readOpencastPosition(parseCheckpoint(text, NY).position),
        (error: unknown) =>
          error instanceof ApiContractError && /'cursor'/.test(error.message),
        text,
      );
    }
  }
  assert.throws(() => readOpencastPosition("elsewhere"), ApiContractError);
});

Deno.test("readOpencastPosition() rejects malformed days with one line naming what is wrong", () => {
  for (
    const [position, problem] of [
      [{ days: {} }, /'days' must be a list/],
      [{ days: [{ day: "2026-12-04", total: 1, ids: [] }] }, /"YYYYMMDD"/],
      [{ days: [{ day: "20261204", total: -1, ids: [] }] }, /'total'/],
      [{ days: [{ day: "20261204", total: 1, ids: [5, 0] }] }, /positive/],
      [{ days: [{ day: "20261204", total: 1, ids: [5] }] }, /run lengths/],
      [{ days: [{ day: "20261204", total: 1, ids: [], first: [1] }] }, /pairs/],
      [{ days: [], filled: "yesterday" }, /'filled'/],
      [{ days: [], closed: 20261204 }, /'closed'/],
    ] as const
  ) {
    assert.throws(
      () => readOpencastPosition(position),
      (error: unknown) =>
        error instanceof ApiContractError && problem.test(error.message) &&
        /Cannot read the Opencast position/.test(error.message),
      JSON.stringify(position),
    );
  }
});

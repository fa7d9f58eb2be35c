import assert from "node:assert/strict";
import { ApiContractError } from "../../../src/errors.ts";
import {
  matomoPosition,
  readMatomoPosition,
} from "../../../src/source/matomo/matomo_position.ts";
import type { SourcePosition } from "../../../src/source/action_source.ts";
import { IdRanges } from "../../../src/util/id_ranges.ts";

Deno.test("matomoPosition() and readMatomoPosition() round-trip the handled ids and the warned visits", () => {
  const saved = matomoPosition({
    pageIds: IdRanges.fromRangeList([[100, 180], 200]),
    truncated: new Set([9, 4]),
  });
  assert.deepEqual(saved, { pageIds: [[100, 180], 200], truncated: [4, 9] });
  const read = readMatomoPosition(JSON.parse(JSON.stringify(saved)));
  assert.ok(read.pageIds.has(150) && !read.pageIds.has(190));
  assert.deepEqual([...read.truncated], [9, 4].sort((a, b) => a - b));
  assert.deepEqual(
    matomoPosition({ pageIds: new IdRanges(), truncated: new Set() }),
    { pageIds: [] },
  );
});

Deno.test("readMatomoPosition() of none is empty", () => {
  for (const none of [undefined, null]) {
    const position = readMatomoPosition(none);
    assert.equal(position.pageIds.rangeCount, 0);
    assert.equal(position.truncated.size, 0);
  }
});

Deno.test("readMatomoPosition() refuses a malformed position with one line naming the way out", () => {
  for (
    const bad of <SourcePosition[]> [
      "x",
      [1, 2],
      { pageIds: "1-5" },
      { pageIds: [[5, 1]] },
      { pageIds: [[1, 2, 3]] },
      { pageIds: [-1] },
      { pageIds: [1.5] },
      { pageIds: [], truncated: ["7"] },
    ]
  ) {
    assert.throws(
      () => readMatomoPosition(bad),
      (error: unknown) =>
        error instanceof ApiContractError &&
        /Cannot read the Matomo position in the checkpoint: .*backfill with --start\/--end$/
          .test(error.message) &&
        !error.message.includes("\n"),
      JSON.stringify(bad),
    );
  }
});

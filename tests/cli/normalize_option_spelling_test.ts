import assert from "node:assert/strict";
import { normalizeOptionSpelling } from "../../src/cli/normalize_option_spelling.ts";

const DECLARED = [
  "--engage_host",
  "--queue-name",
  "--batch-size",
  "--created_from_days_ago",
];

Deno.test("normalizeOptionSpelling() accepts both the dash and the underscore spelling", () => {
  assert.deepEqual(
    normalizeOptionSpelling(
      [
        "--engage-host",
        "h",
        "--queue_name=q",
        "--batch_size",
        "5",
        "--created-from-days-ago",
        "2",
      ],
      DECLARED,
    ),
    [
      "--engage_host",
      "h",
      "--queue-name=q",
      "--batch-size",
      "5",
      "--created_from_days_ago",
      "2",
    ],
  );
});

Deno.test("normalizeOptionSpelling() leaves values, short flags, unknown flags and what follows -- alone", () => {
  assert.deepEqual(
    normalizeOptionSpelling([
      "-H",
      "--engage-host",
      "--unknown_flag",
      "--",
      "--engage-host",
    ], DECLARED),
    ["-H", "--engage_host", "--unknown_flag", "--", "--engage-host"],
  );
});

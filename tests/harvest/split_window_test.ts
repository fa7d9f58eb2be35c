import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import type { HarvestWindow } from "../../src/harvest/resolve_window.ts";
import { splitWindow } from "../../src/harvest/split_window.ts";

function window(
  start: string,
  end: string,
  skip: number[] = [],
): HarvestWindow {
  return {
    start: Temporal.Instant.from(start),
    end: Temporal.Instant.from(end),
    startSource: "checkpoint",
    skipIds: new Set(skip),
  };
}

function seconds(instant: Temporal.Instant): number {
  return Math.floor(instant.epochMilliseconds / 1000);
}

/** Every whole second the API is asked for, in order (inclusive ends). */
function coveredSeconds(windows: readonly HarvestWindow[]): number[] {
  const covered: number[] = [];
  for (const w of windows) {
    for (let s = seconds(w.start); s <= seconds(w.end); s++) covered.push(s);
  }
  return covered;
}

const cases: [string, HarvestWindow, number, number][] = [
  [
    "a window shorter than the span",
    window("2016-10-21T00:00:00Z", "2016-10-21T00:00:30Z"),
    60,
    1,
  ],
  [
    "a window equal to the span",
    window("2016-10-21T00:00:00Z", "2016-10-21T00:01:00Z"),
    60,
    1,
  ],
  [
    "a window one second over",
    window("2016-10-21T00:00:00Z", "2016-10-21T00:01:01Z"),
    60,
    2,
  ],
  [
    "a day in hours",
    window("2016-10-20T00:00:00Z", "2016-10-21T00:00:00Z"),
    3600,
    24,
  ],
  [
    "fractional ends",
    window("2016-10-21T00:00:00.400Z", "2016-10-21T00:05:00.900Z"),
    60,
    5,
  ],
  [
    "one-second steps",
    window("2016-10-21T00:00:00Z", "2016-10-21T00:00:05Z"),
    1,
    3,
  ],
];
for (const [name, w, max, count] of cases) {
  Deno.test(`splitWindow() covers ${name} exactly once, in ${count} sub-windows`, () => {
    const parts = splitWindow(w, max);
    assert.equal(parts.length, count);
    assert.equal(parts[0].start.toString(), w.start.toString());
    assert.equal(parts.at(-1)!.end.toString(), w.end.toString());
    const expected: number[] = [];
    for (let s = seconds(w.start); s <= seconds(w.end); s++) expected.push(s);
    assert.deepEqual(coveredSeconds(parts), expected);
    for (const part of parts) {
      const span =
        Number(part.end.epochNanoseconds - part.start.epochNanoseconds) / 1e9;
      assert.ok(
        span >= 0 && span <= max,
        `span ${span} of ${part.start}..${part.end}`,
      );
      assert.equal(part.startSource, w.startSource);
    }
  });
}

Deno.test("splitWindow() gives the skip ids to the first sub-window only", () => {
  const parts = splitWindow(
    window("2016-10-21T00:00:00Z", "2016-10-21T00:03:00Z", [1, 2]),
    60,
  );
  assert.deepEqual(parts.map((p) => [...p.skipIds]), [[1, 2], [], []]);
});

Deno.test("splitWindow() lays the sub-windows end to end, one second apart", () => {
  const parts = splitWindow(
    window("2016-10-21T00:00:00Z", "2016-10-21T00:02:30Z"),
    60,
  );
  assert.deepEqual(parts.map((p) => [p.start.toString(), p.end.toString()]), [
    ["2016-10-21T00:00:00Z", "2016-10-21T00:01:00Z"],
    ["2016-10-21T00:01:01Z", "2016-10-21T00:02:01Z"],
    ["2016-10-21T00:02:02Z", "2016-10-21T00:02:30Z"],
  ]);
});

for (const max of [0, -1, 1.5, NaN]) {
  Deno.test(`splitWindow() refuses a span of ${max}`, () => {
    assert.throws(
      () =>
        splitWindow(
          window("2016-10-21T00:00:00Z", "2016-10-21T00:02:30Z"),
          max,
        ),
      ConfigError,
    );
  });
}

import assert from "node:assert/strict";
import { ConfigError, SpanExceededError } from "../../src/errors.ts";
import {
  checkSpan,
  parseMaxSpan,
  spanSeconds,
} from "../../src/harvest/check_span.ts";
import type { HarvestWindow } from "../../src/harvest/resolve_window.ts";

function window(start: string, end: string): HarvestWindow {
  return {
    start: Temporal.Instant.from(start),
    end: Temporal.Instant.from(end),
    startSource: "checkpoint",
    skipIds: new Set(),
  };
}

const passCases: [string, HarvestWindow, number | undefined][] = [
  [
    "no maximum",
    window("2016-01-01T00:00:00Z", "2016-10-21T00:00:00Z"),
    undefined,
  ],
  [
    "a span equal to the maximum",
    window("2016-10-21T00:00:00Z", "2016-10-21T01:00:00Z"),
    3600,
  ],
  [
    "a span under the maximum",
    window("2016-10-21T00:00:00Z", "2016-10-21T00:59:59Z"),
    3600,
  ],
  [
    "an empty window",
    window("2016-10-21T00:00:00Z", "2016-10-21T00:00:00Z"),
    1,
  ],
];
for (const [name, w, max] of passCases) {
  Deno.test(`checkSpan() passes ${name}`, () => {
    assert.doesNotThrow(() => checkSpan(w, max));
  });
}

const failCases: [string, HarvestWindow, number][] = [
  // The original's timedelta.seconds saw 10 seconds here and let it through.
  [
    "a span of a day and ten seconds",
    window("2016-10-20T00:00:00Z", "2016-10-21T00:00:10Z"),
    3600,
  ],
  [
    "exactly two days (.seconds would be 0)",
    window("2016-10-19T00:00:00Z", "2016-10-21T00:00:00Z"),
    60,
  ],
  [
    "one second over",
    window("2016-10-21T00:00:00Z", "2016-10-21T01:00:01Z"),
    3600,
  ],
  [
    "a fraction of a second over",
    window("2016-10-21T00:00:00Z", "2016-10-21T01:00:00.5Z"),
    3600,
  ],
];
for (const [name, w, max] of failCases) {
  Deno.test(`checkSpan() refuses ${name}, naming both remedies`, () => {
    assert.throws(
      () => checkSpan(w, max),
      (error: unknown) => {
        assert.ok(error instanceof SpanExceededError);
        assert.equal(error.exitCode, 6);
        assert.ok(!error.message.includes("\n"));
        assert.match(
          error.message,
          new RegExp(`MAX_START_END_SPAN \\(${max}\\)`),
        );
        assert.match(error.message, /--disable-start-end-span-check/);
        assert.match(error.message, /--catch-up/);
        assert.match(error.message, /delete the checkpoint/);
        assert.match(error.message, /--start\/--end/);
        return true;
      },
    );
  });
}

Deno.test("checkSpan() names the window and its whole span in seconds", () => {
  assert.throws(
    () =>
      checkSpan(window("2016-10-20T00:00:00Z", "2016-10-21T00:00:10Z"), 3600),
    /2016-10-20T00:00:00Z to 2016-10-21T00:00:10Z spans 86410 seconds/,
  );
});

Deno.test("spanSeconds() counts days and fractions", () => {
  assert.equal(
    spanSeconds(window("2016-10-20T00:00:00Z", "2016-10-21T00:00:10.5Z")),
    86410.5,
  );
});

const parseCases: [string | undefined, number | undefined][] = [
  [undefined, undefined],
  ["", undefined],
  ["  ", undefined],
  ["3600", 3600],
  [" 86400\n", 86400],
  ["1", 1],
];
for (const [text, expected] of parseCases) {
  Deno.test(`parseMaxSpan() reads ${JSON.stringify(text)} as ${expected}`, () => {
    assert.equal(parseMaxSpan(text), expected);
  });
}

for (
  const text of [
    "0",
    "-5",
    "1.5",
    "1e3",
    "3600s",
    "one hour",
    "99999999999999999999",
  ]
) {
  Deno.test(`parseMaxSpan() refuses '${text}'`, () => {
    assert.throws(
      () => parseMaxSpan(text),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes("MAX_START_END_SPAN") &&
        error.message.includes(`'${text}'`),
    );
  });
}

import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import {
  formatCompactTimestamp,
  formatUtcOffset,
  formatUtcSeconds,
  instantFromEpochMillis,
  parseCompactTimestamp,
  parseOffsetTimestamp,
  parseTimeZone,
  parseUserTimestamp,
} from "../../src/opencast/opencast_time.ts";

const NY = "America/New_York";

const compactCases: [string, string, string, string][] = [
  ["EDT", "20161021140327", NY, "2016-10-21T18:03:27Z"],
  ["EST", "20170101000000", NY, "2017-01-01T05:00:00Z"],
  ["UTC", "20161021140327", "UTC", "2016-10-21T14:03:27Z"],
  ["a fixed offset", "20161021140327", "+05:30", "2016-10-21T08:33:27Z"],
  ["a leap day", "20160229235959", "UTC", "2016-02-29T23:59:59Z"],
  // Spring forward: 02:00-03:00 on 2024-03-10 never happened; moved forward.
  ["the spring-forward gap", "20240310023000", NY, "2024-03-10T07:30:00Z"],
  ["just before the gap", "20240310015959", NY, "2024-03-10T06:59:59Z"],
  ["just after the gap", "20240310030000", NY, "2024-03-10T07:00:00Z"],
  // Fall back: 01:00-02:00 on 2024-11-03 happened twice; the earlier (EDT).
  ["the fall-back overlap", "20241103013000", NY, "2024-11-03T05:30:00Z"],
  ["just after the overlap", "20241103020000", NY, "2024-11-03T07:00:00Z"],
];
for (const [name, text, zone, expected] of compactCases) {
  Deno.test(`parseCompactTimestamp() reads ${name}`, () => {
    assert.equal(parseCompactTimestamp(text, zone).toString(), expected);
  });
}

for (
  const text of [
    "",
    "2016102114032",
    "201610211403270",
    "2016-10-21T14:03",
    "20161321140327",
    "20161021250000",
    "20170229120000",
    " 20161021140327",
  ]
) {
  Deno.test(`parseCompactTimestamp() refuses '${text}'`, () => {
    assert.throws(() => parseCompactTimestamp(text, NY), RangeError);
  });
}

const formatCases: [string, string, string][] = [
  ["2016-10-21T18:03:27Z", NY, "20161021140327"],
  ["2016-10-21T18:03:27.999Z", NY, "20161021140327"],
  ["2017-01-01T04:59:59Z", NY, "20161231235959"],
  ["2016-10-21T18:03:27Z", "UTC", "20161021180327"],
  ["2016-10-21T18:03:27Z", "-04:00", "20161021140327"],
  // Both instants of the overlap hour read 01:30 on the wall.
  ["2024-11-03T05:30:00Z", NY, "20241103013000"],
  ["2024-11-03T06:30:00Z", NY, "20241103013000"],
  ["2024-03-10T07:30:00Z", NY, "20240310033000"],
];
for (const [instant, zone, expected] of formatCases) {
  Deno.test(`formatCompactTimestamp() writes ${instant} in ${zone} as ${expected}`, () => {
    assert.equal(
      formatCompactTimestamp(Temporal.Instant.from(instant), zone),
      expected,
    );
  });
}

Deno.test("formatCompactTimestamp() round-trips with parseCompactTimestamp() outside DST changes", () => {
  for (const text of ["20161021140327", "20170101000000", "20240310030000"]) {
    assert.equal(
      formatCompactTimestamp(parseCompactTimestamp(text, NY), NY),
      text,
    );
  }
});

const zoneCases: [string, string][] = [
  ["America/New_York", "America/New_York"],
  ["america/new_york", "America/New_York"],
  ["US/Eastern", "US/Eastern"],
  ["UTC", "UTC"],
  ["utc", "UTC"],
  ["Z", "UTC"],
  ["z", "UTC"],
  ["+05:00", "+05:00"],
  ["-0400", "-04:00"],
  ["+0530", "+05:30"],
  ["+05", "+05:00"],
  [" Europe/Zurich ", "Europe/Zurich"],
];
for (const [text, expected] of zoneCases) {
  Deno.test(`parseTimeZone() reads '${text}' as ${expected}`, () => {
    assert.equal(parseTimeZone(text), expected);
  });
}

for (
  const text of [
    "",
    "Mars/Olympus_Mons",
    "+25:00",
    "05:00",
    "2020-01-01T00:00[America/New_York]",
    "Eastern Time",
  ]
) {
  Deno.test(`parseTimeZone() refuses '${text}' naming the value and the setting`, () => {
    assert.throws(
      () => parseTimeZone(text, { setting: "OPENCAST_TIMEZONE" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(`'${text}'`) &&
        error.message.includes("OPENCAST_TIMEZONE") &&
        !error.message.includes("\n"),
    );
  });
}

const userCases: [string, string, string][] = [
  ["20161021140327", NY, "2016-10-21T18:03:27Z"],
  ["20240310023000", NY, "2024-03-10T07:30:00Z"],
  // A repeated wall time is its second occurrence, as the server reads it.
  ["20241103013000", NY, "2024-11-03T06:30:00Z"],
  ["20241103005959", NY, "2024-11-03T04:59:59Z"],
  ["2024-11-03T01:30:00-04:00", NY, "2024-11-03T05:30:00Z"],
  ["2016-10-21T14:03:27-04:00", "UTC", "2016-10-21T18:03:27Z"],
  ["2016-10-21T14:03:27+05:30", NY, "2016-10-21T08:33:27Z"],
  ["2016-10-21T18:03:27Z", NY, "2016-10-21T18:03:27Z"],
  ["2016-10-21T18:03:27.5Z", NY, "2016-10-21T18:03:27.5Z"],
  [" 20161021140327\n", NY, "2016-10-21T18:03:27Z"],
];
Deno.test("parseCompactTimestamp() reads an overlap as its second occurrence with reading: later", () => {
  assert.equal(
    parseCompactTimestamp("20241103013000", NY, { reading: "later" })
      .toString(),
    "2024-11-03T06:30:00Z",
  );
  assert.equal(
    parseCompactTimestamp("20240310023000", NY, { reading: "later" })
      .toString(),
    "2024-03-10T07:30:00Z",
  );
});

for (const [text, zone, expected] of userCases) {
  Deno.test(`parseUserTimestamp() reads ${JSON.stringify(text)} in ${zone}`, () => {
    assert.equal(parseUserTimestamp(text, zone).toString(), expected);
  });
}

for (
  const text of [
    "",
    "yesterday",
    "2016-10-21T14:03:27",
    "2016-10-21",
    "201610211403",
    "20161341140327",
    "1477058607",
  ]
) {
  Deno.test(`parseUserTimestamp() refuses '${text}' in one line naming the flag and the formats`, () => {
    assert.throws(
      () => parseUserTimestamp(text, NY, { flag: "--start" }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.exitCode === 2 &&
        error.message.includes(`--start '${text}'`) &&
        error.message.includes("YYYYMMDDHHmmss") &&
        error.message.includes("ISO 8601") &&
        !error.message.includes("\n"),
    );
  });
}

Deno.test("parseOffsetTimestamp() reads offsets and Z, and returns null without one", () => {
  assert.equal(
    parseOffsetTimestamp("2016-10-21T14:03:27-04:00")?.toString(),
    "2016-10-21T18:03:27Z",
  );
  assert.equal(
    parseOffsetTimestamp("2016-10-21T14:03:27.123Z")?.toString(),
    "2016-10-21T14:03:27.123Z",
  );
  assert.equal(parseOffsetTimestamp("2016-10-21T14:03:27"), null);
  assert.equal(parseOffsetTimestamp("garbage"), null);
});

const utcCases: [string, string, string][] = [
  ["2017-03-01T19:05:09Z", "2017-03-01T19:05:09+00:00", "2017-03-01T19:05:09Z"],
  [
    "2017-03-01T19:05:09.25Z",
    "2017-03-01T19:05:09.250000+00:00",
    "2017-03-01T19:05:09Z",
  ],
  [
    "2017-03-01T19:05:09.0000009Z",
    "2017-03-01T19:05:09+00:00",
    "2017-03-01T19:05:09Z",
  ],
  [
    "1969-12-31T23:59:59.5Z",
    "1969-12-31T23:59:59.500000+00:00",
    "1969-12-31T23:59:59Z",
  ],
];
for (const [instant, offset, zulu] of utcCases) {
  Deno.test(`formatUtcOffset() and formatUtcSeconds() write ${instant}`, () => {
    assert.equal(formatUtcOffset(Temporal.Instant.from(instant)), offset);
    assert.equal(formatUtcSeconds(Temporal.Instant.from(instant)), zulu);
  });
}

Deno.test("formatUtcOffset() writes whole seconds as Temporal does, in every era", () => {
  for (
    const text of [
      "1970-01-01T00:00:00Z",
      "1969-12-31T23:59:59Z",
      "0999-06-30T12:00:00Z",
      "2024-03-10T07:00:00Z",
      "2024-02-29T23:59:59Z",
      "9999-12-31T23:59:59Z",
      "+010000-01-01T00:00:00Z",
      "-000001-01-01T00:00:00Z",
    ]
  ) {
    const instant = Temporal.Instant.from(text);
    assert.equal(
      formatUtcOffset(instant),
      instant.toString({ timeZone: "UTC", smallestUnit: "second" }),
      text,
    );
  }
});

Deno.test("instantFromEpochMillis() reads whole and fractional milliseconds, and returns null outside a date's range", () => {
  assert.equal(
    instantFromEpochMillis(1477080004512)?.toString(),
    "2016-10-21T20:00:04.512Z",
  );
  // A fraction of a millisecond goes toward zero, as `new Date(ms)` does.
  assert.equal(
    instantFromEpochMillis(1477080004512.9)?.toString(),
    "2016-10-21T20:00:04.512Z",
  );
  assert.equal(
    instantFromEpochMillis(-500.9)?.toString(),
    "1969-12-31T23:59:59.5Z",
  );
  assert.equal(
    instantFromEpochMillis(8.64e15)?.toString(),
    "+275760-09-13T00:00:00Z",
  );
  assert.equal(instantFromEpochMillis(8.64e15 + 1), null);
  assert.equal(instantFromEpochMillis(Number.NaN), null);
  assert.equal(instantFromEpochMillis(Number.POSITIVE_INFINITY), null);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { ApiContractError } from "../../../src/errors.ts";
import {
  siteTimestampToInstant,
  siteTimeZone,
  visitActionInstants,
} from "../../../src/source/matomo/site_time.ts";

/** What Matomo writes as an action's `timestamp` (issue #22720). */
function matomoTimestamp(seconds: number, timeZone: string): number {
  const wall = Temporal.Instant.fromEpochMilliseconds(seconds * 1000)
    .toZonedDateTimeISO(timeZone).toPlainDateTime();
  return wall.toZonedDateTime("UTC").epochMilliseconds / 1000;
}

const at = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds / 1000;

Deno.test("visitActionInstants() reads a visit across Berlin's fall-back: the wall clock goes back an hour", () => {
  // 02:50 CEST, 02:10 CET, 02:40 CET: walls 02:50, 02:10, 02:40.
  const truth = [
    "2024-10-27T00:50:00Z",
    "2024-10-27T01:10:00Z",
    "2024-10-27T01:40:00Z",
  ].map(at);
  const timestamps = truth.map((s) => matomoTimestamp(s, "Europe/Berlin"));
  assert.deepEqual(
    timestamps.map((t) => new Date(t * 1000).toISOString().slice(11, 16)),
    ["02:50", "02:10", "02:40"],
  );
  const instants = visitActionInstants({
    firstActionTimestamp: truth[0],
    lastActionTimestamp: truth[2],
    timestamps,
  }, "Europe/Berlin");
  assert.deepEqual(instants.map((i) => i.epochMilliseconds / 1000), truth);
});

Deno.test("visitActionInstants() tells the first and the second occurrence of a repeated hour apart by the visit's true first time", () => {
  const zone = "America/New_York";
  // 01:15 and 01:45 happen twice on 2024-11-03; a visit of each.
  const firstOccurrence = [
    at("2024-11-03T05:15:00Z"),
    at("2024-11-03T05:45:00Z"),
  ];
  const secondOccurrence = [
    at("2024-11-03T06:15:00Z"),
    at("2024-11-03T06:45:00Z"),
  ];
  for (const truth of [firstOccurrence, secondOccurrence]) {
    const timestamps = truth.map((s) => matomoTimestamp(s, zone));
    assert.deepEqual(
      visitActionInstants({
        firstActionTimestamp: truth[0],
        lastActionTimestamp: truth[1],
        timestamps,
      }, zone).map((i) => i.epochMilliseconds / 1000),
      truth,
    );
  }
  // Without the visit's times, the earlier occurrence.
  assert.equal(
    siteTimestampToInstant(matomoTimestamp(secondOccurrence[0]!, zone), zone)
      .toString(),
    "2024-11-03T05:15:00Z",
  );
});

Deno.test("siteTimestampToInstant() converts summer and winter wall times and moves a gap time forward", () => {
  const zone = "Europe/Berlin";
  assert.equal(
    siteTimestampToInstant(at("2024-07-01T12:00:00Z"), zone).toString(),
    "2024-07-01T10:00:00Z",
  );
  assert.equal(
    siteTimestampToInstant(at("2024-01-15T12:00:00Z"), zone).toString(),
    "2024-01-15T11:00:00Z",
  );
  // 02:30 on 2024-03-31 never happened in Berlin: read as 03:30 CEST.
  assert.equal(
    siteTimestampToInstant(at("2024-03-31T02:30:00Z"), zone).toString(),
    "2024-03-31T01:30:00Z",
  );
});

Deno.test("siteTimeZone() takes IANA names and Matomo's manual UTC offsets, and refuses the rest", () => {
  assert.equal(siteTimeZone("Europe/Berlin"), "Europe/Berlin");
  assert.equal(siteTimeZone("UTC"), "UTC");
  assert.equal(siteTimeZone("UTC+5.5"), "+05:30");
  assert.equal(siteTimeZone("UTC-3"), "-03:00");
  assert.equal(siteTimeZone("UTC+12.75"), "+12:45");
  assert.throws(() => siteTimeZone("Mars/Olympus"), ApiContractError);
  assert.throws(() => siteTimeZone(""), ApiContractError);
});

/** Zones with every kind of change: north and south, 30-minute DST, negative DST, midnight changes. */
const ZONES = [
  "Europe/Berlin",
  "Europe/London",
  "Europe/Dublin",
  "America/New_York",
  "America/Santiago",
  "America/Havana",
  "America/St_Johns",
  "Australia/Sydney",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
  "Africa/Casablanca",
  "Asia/Tehran",
  "Asia/Tokyo",
  "UTC",
];

Deno.test("visitActionInstants() gives back every action's true instant, over zones and visits around their changes (property)", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.integer({ min: 2000, max: 2035 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: -7200, max: 7200 }),
      // Matomo ends a visit after 30 minutes without an action.
      fc.array(fc.integer({ min: 0, max: 1799 }), {
        minLength: 0,
        maxLength: 40,
      }),
      fc.integer({ min: 0, max: 900 }),
      (zone, year, skip, shift, gaps, ping) => {
        let anchor = Temporal.ZonedDateTime.from({
          timeZone: zone,
          year,
          month: 1,
          day: 1,
        });
        for (let i = 0; i <= skip; i++) {
          anchor = anchor.getTimeZoneTransition("next") ?? anchor;
        }
        let seconds = anchor.epochMilliseconds / 1000 + shift;
        const truth = [seconds];
        for (const gap of gaps) truth.push(seconds += gap);
        const instants = visitActionInstants({
          firstActionTimestamp: truth[0],
          lastActionTimestamp: truth.at(-1)! + ping,
          timestamps: truth.map((s) => matomoTimestamp(s, zone)),
        }, zone);
        assert.deepEqual(
          instants.map((i) => i.epochMilliseconds / 1000),
          truth,
        );
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("siteTimestampToInstant() agrees with a plain zone lookup anywhere in the years, zones taking turns (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.constantFrom(...ZONES),
          fc.integer({
            min: Date.UTC(2000, 0, 1) / 1000,
            max: Date.UTC(2035, 11, 31) / 1000,
          }),
        ),
        { minLength: 1, maxLength: 20 },
      ),
      (cases) => {
        for (const [zone, seconds] of cases) {
          const timestamp = matomoTimestamp(seconds, zone);
          const expected = Temporal.Instant.fromEpochMilliseconds(
            timestamp * 1000,
          ).toZonedDateTimeISO("UTC").toPlainDateTime()
            .toZonedDateTime(zone, { disambiguation: "earlier" }).toInstant();
          assert.equal(
            siteTimestampToInstant(timestamp, zone).toString(),
            expected.toString(),
          );
        }
      },
    ),
    { numRuns: 1000 },
  );
});

import assert from "node:assert/strict";
import { dceWindowParameters } from "../../../../src/source/opencast/dce/dce_window_parameters.ts";
import { parseCompactTimestamp } from "../../../../src/opencast/opencast_time.ts";

const NY = "America/New_York";
const at = (text: string) => Temporal.Instant.from(text);
/** How the server reads a bare wall time (issue 12: the second occurrence). */
const serverReads = (text: string) =>
  parseCompactTimestamp(text, NY, { reading: "later" });

const cases: [string, string, string, string, string, boolean][] = [
  // name, start, end, sent start, sent end, widened
  [
    "an ordinary window",
    "2017-11-04T18:00:00Z",
    "2017-11-04T18:02:00Z",
    "20171104140000",
    "20171104140200",
    false,
  ],
  [
    "a window ending at the first 01:30 (EDT)",
    "2017-11-05T04:00:00Z",
    "2017-11-05T05:30:00Z",
    "20171105000000",
    "20171105020000",
    true,
  ],
  [
    "a window inside the first 01:00-01:59",
    "2017-11-05T05:10:00Z",
    "2017-11-05T05:12:00Z",
    "20171105005959",
    "20171105020000",
    true,
  ],
  [
    "a window inside the second 01:00-01:59",
    "2017-11-05T06:10:00Z",
    "2017-11-05T06:12:00Z",
    "20171105005959",
    "20171105020000",
    true,
  ],
  [
    "a window across spring forward",
    "2017-03-12T06:59:00Z",
    "2017-03-12T07:01:00Z",
    "20170312015900",
    "20170312030100",
    false,
  ],
];
for (const [name, start, end, sentStart, sentEnd, widened] of cases) {
  Deno.test(`dceWindowParameters() for ${name}`, () => {
    const sent = dceWindowParameters(at(start), at(end), NY);
    assert.deepEqual(sent, { start: sentStart, end: sentEnd, widened });
    // Whatever is sent, the server's reading covers the window.
    assert.ok(
      Temporal.Instant.compare(serverReads(sent.start), at(start)) <= 0,
    );
    assert.ok(Temporal.Instant.compare(serverReads(sent.end), at(end)) >= 0);
  });
}

Deno.test("dceWindowParameters() never sends a wall time that exists twice", () => {
  // Every minute of the fall-back night, as start and as end.
  const from = at("2017-11-05T04:00:00Z");
  for (let minute = 0; minute < 240; minute++) {
    const instant = from.add({ minutes: minute });
    const sent = dceWindowParameters(instant, instant, NY);
    for (const text of [sent.start, sent.end]) {
      const first = parseCompactTimestamp(text, NY);
      assert.equal(first.toString(), serverReads(text).toString(), text);
    }
    assert.ok(Temporal.Instant.compare(serverReads(sent.start), instant) <= 0);
    assert.ok(Temporal.Instant.compare(serverReads(sent.end), instant) >= 0);
  }
});

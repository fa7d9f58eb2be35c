import assert from "node:assert/strict";
import { edgeHold } from "../../../../src/source/opencast/upstream/edge_hold.ts";

const NY = "America/New_York";
const at = (text: string) => Temporal.Instant.from(text);
const cases: [string, string | null][] = [
  ["2026-12-05T04:58:59Z", null], // 23:58:59: before the edge
  ["2026-12-05T04:59:00Z", null], // 23:59:00 is covered by the day query
  ["2026-12-05T04:59:01Z", "2026-12-05T04:59:00Z"],
  ["2026-12-05T05:00:30Z", "2026-12-05T04:59:00Z"],
  ["2026-12-05T05:01:59Z", "2026-12-05T04:59:00Z"], // within the settle minute
  ["2026-12-05T05:02:00Z", null],
  ["2026-12-05T17:00:00Z", null],
];
for (const [end, held] of cases) {
  Deno.test(`edgeHold() for a run ending at ${end}`, () => {
    assert.equal(edgeHold(at(end), NY)?.toString() ?? null, held);
  });
}

import assert from "node:assert/strict";
import { planServerDays } from "../../../../src/source/opencast/upstream/plan_server_days.ts";

const NY = "America/New_York";
const at = (text: string) => Temporal.Instant.from(text);
const plainPlan = (
  start: string,
  end: string,
  zone = NY,
  options: { skipFirstDay?: boolean } = {},
) => {
  const plan = planServerDays(at(start), at(end), zone, options);
  return {
    days: plan.days,
    edges: plan.edges.map((e) => [
      e.dayBefore,
      e.dayAfter,
      e.from.toString(),
      e.to.toString(),
    ]),
  };
};

Deno.test("planServerDays() inside one day needs that day and no edge", () => {
  assert.deepEqual(
    plainPlan("2026-12-04T15:00:00Z", "2026-12-04T15:02:00Z"),
    { days: ["20261204"], edges: [] },
  );
});

Deno.test("planServerDays() across the server's midnight needs both days and the edge between", () => {
  assert.deepEqual(
    plainPlan("2026-12-05T04:50:00Z", "2026-12-05T05:10:00Z"),
    {
      days: ["20261204", "20261205"],
      edges: [[
        "20261204",
        "20261205",
        "2026-12-05T04:59:00.000000001Z",
        "2026-12-05T05:00:59.999999999Z",
      ]],
    },
  );
});

Deno.test("planServerDays() clips the edge to a window that starts or ends in it", () => {
  assert.deepEqual(
    plainPlan("2026-12-05T05:00:30Z", "2026-12-05T05:02:00Z"),
    {
      days: ["20261205"],
      edges: [[
        "20261204",
        "20261205",
        "2026-12-05T05:00:30Z",
        "2026-12-05T05:00:59.999999999Z",
      ]],
    },
  );
  assert.deepEqual(
    plainPlan("2026-12-05T04:58:00Z", "2026-12-05T04:59:30Z").edges,
    [[
      "20261204",
      "20261205",
      "2026-12-05T04:59:00.000000001Z",
      "2026-12-05T04:59:30Z",
    ]],
  );
  // 23:59:00 itself is inside the day query.
  assert.deepEqual(
    plainPlan("2026-12-05T04:58:00Z", "2026-12-05T04:59:00Z").edges,
    [],
  );
});

Deno.test("planServerDays() over three days has two edges, in the server's zone", () => {
  const plan = plainPlan("2026-12-04T12:00:00Z", "2026-12-06T12:00:00Z", "UTC");
  assert.deepEqual(plan.days, ["20261204", "20261205", "20261206"]);
  assert.deepEqual(plan.edges.map((e) => e[2]), [
    "2026-12-04T23:59:00.000000001Z",
    "2026-12-05T23:59:00.000000001Z",
  ]);
});

Deno.test("planServerDays() on a daylight-saving day keeps the edges at the real midnights", () => {
  // Fall-back day 2017-11-05 in New York is 25 hours long.
  const plan = plainPlan("2017-11-05T03:00:00Z", "2017-11-06T06:00:00Z");
  assert.deepEqual(plan.days, ["20171104", "20171105", "20171106"]);
  assert.deepEqual(plan.edges.map((e) => e[2]), [
    "2017-11-05T03:59:00.000000001Z", // 23:59 EDT
    "2017-11-06T04:59:00.000000001Z", // 23:59 EST
  ]);
});

Deno.test("planServerDays() where midnight itself is skipped reads it like the server (forward)", () => {
  // America/Santiago 2022-09-11: 00:00 -04:00 jumps to 01:00 -03:00.
  const plan = planServerDays(
    at("2022-09-11T03:50:00Z"),
    at("2022-09-11T04:10:00Z"),
    "America/Santiago",
  );
  assert.deepEqual(plan.days, ["20220910", "20220911"]);
  assert.equal(plan.edges.length, 1);
  // The day query of the 11th starts at 01:00:SS -03:00, so the edge runs
  // to 01:01 -03:00 (04:01Z), exclusive.
  assert.equal(plan.edges[0].to.toString(), "2022-09-11T04:00:59.999999999Z");
  assert.equal(plan.edges[0].from.toString(), "2022-09-11T03:59:00.000000001Z");
});

Deno.test("planServerDays() with skipFirstDay leaves out a first day the window touches only after 23:59:00: the edge covers all of it", () => {
  const plain = (start: string, end: string) =>
    plainPlan(start, end, NY, { skipFirstDay: true });
  // A checkpoint held 10 s back from 00:00:03 lands at 23:59:53.
  assert.deepEqual(
    plain("2026-12-05T04:59:53Z", "2026-12-05T05:04:30Z"),
    {
      days: ["20261205"],
      edges: [[
        "20261204",
        "20261205",
        "2026-12-05T04:59:53Z",
        "2026-12-05T05:00:59.999999999Z",
      ]],
    },
  );
  // 23:59:00 itself is only surely returned by the day query.
  assert.deepEqual(
    plain("2026-12-05T04:59:00Z", "2026-12-05T05:04:30Z").days,
    ["20261204", "20261205"],
  );
  // The last day is kept: its first page bounds the id fill from above.
  assert.deepEqual(
    plain("2026-12-05T04:59:30Z", "2026-12-05T04:59:50Z").days,
    ["20261204"],
  );
  assert.deepEqual(
    plain("2026-12-05T04:59:30Z", "2026-12-05T05:00:30Z").days,
    ["20261205"],
  );
});

Deno.test("planServerDays() without skipFirstDay (a backfill, no ids known near the start) pages the first day: its rows bound the id fill cheaply", () => {
  assert.deepEqual(
    plainPlan("2026-12-05T04:59:53Z", "2026-12-05T05:04:30Z").days,
    ["20261204", "20261205"],
  );
});

/**
 * Ids handed out in blocks per engage node (`idNodes`, `idBlock`): ids do not
 * follow `created`, in a day's answer, the whole table and live arrivals,
 * while `total` still counts the filter (opencast-api.md §3.1, issue 18).
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import type {
  SimAction,
  SimulatorOptions,
} from "../../src/simulate/start_simulator.ts";
import { getJson, type Json, simulator } from "../support/simulator.ts";

// 12:00 in New York (EST, -05:00): the span is the morning of 2024-03-01.
const SPAN_END = Temporal.Instant.from("2024-03-01T17:00:00Z");

function list(value: Json): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function start(options: SimulatorOptions = {}) {
  return simulator({
    spanEnd: SPAN_END,
    spanSeconds: 3 * 3600,
    actions: 3000,
    timezone: "America/New_York",
    flavor: "stock",
    daySeconds: 0,
    ...options,
  });
}

/** Whether some row has a higher id and an older `created` than an earlier one. */
function createdOutOfIdOrder(rows: readonly SimAction[]): boolean {
  const byId = [...rows].sort((a, b) => a.id - b.id);
  return byId.some((row, i) =>
    i > 0 && row.createdEpochSeconds < byId[i - 1]!.createdEpochSeconds
  );
}

/**
 * In id order, how far (seconds) a row's `created` lies behind the newest
 * `created` of the rows with lower ids.
 */
function largestStepBack(createdSeconds: readonly number[]): number {
  let newest = -Infinity;
  let largest = 0;
  for (const seconds of createdSeconds) {
    newest = Math.max(newest, seconds);
    largest = Math.max(largest, newest - seconds);
  }
  return largest;
}

Deno.test("idNodes: a day's answer in primary-key order has rows whose created is out of order, and total counts the day", async () => {
  await using sim = await start({ idNodes: 3 });
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?day=20240301&limit=10000`,
  );
  const rows = list(body.actions.action);
  const ids = rows.map((a) => a.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "not in id order");
  const created = rows.map((a) => Date.parse(a.created) / 1000);
  const outOfOrder = created.filter((c, i) => i > 0 && c < created[i - 1]!)
    .length;
  assert.ok(outOfOrder > 20, `only ${outOfOrder} rows out of created order`);
  // Not only the late rows' seconds: rows of a quiet node, minutes back.
  const back = largestStepBack(created);
  assert.ok(back > 600, `rows at most ${back} s behind`);
  // Every action of the span is on that day, after 00:00:00.
  const truth = sim.actions();
  assert.equal(body.actions.total, truth.length);
  assert.deepEqual(
    new Set(ids),
    new Set(truth.map((a) => a.id)),
  );
});

Deno.test("idNodes: created order still answers (created, id), for the day and the whole table", async () => {
  await using sim = await start({ idNodes: 3, order: "created" });
  for (const query of ["day=20240301&limit=10000", "limit=10000"]) {
    const body = await getJson(`${sim.url}/usertracking/actions.json?${query}`);
    const rows = list(body.actions.action);
    const keys = rows.map((a) => [Date.parse(a.created), a.id] as const);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    assert.deepEqual(keys, sorted, query);
    assert.equal(body.actions.total, 3000, query);
  }
});

Deno.test("idNodes: the whole table in primary-key order is in id order, not created order; one node keeps ids in created order", async () => {
  await using three = await start({ idNodes: 3 });
  const body = await getJson(
    `${three.url}/usertracking/actions.json?limit=5000`,
  );
  const rows = list(body.actions.action);
  const ids = rows.map((a) => a.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  const created = rows.map((a) => Date.parse(a.created) / 1000);
  assert.ok(largestStepBack(created) > 600);
  assert.equal(body.actions.total, 3000);
  // With one node only the rare late rows break the order, by seconds.
  await using one = await start({ idNodes: 1 });
  const byId = [...one.actions()].sort((a, b) => a.id - b.id);
  assert.ok(largestStepBack(byId.map((a) => a.createdEpochSeconds)) <= 3);
});

Deno.test("idNodes: quiet nodes write ids far below rows a busy node wrote minutes earlier, and ids have gaps", async () => {
  await using sim = await start({ idNodes: 3, idBlock: 50, actions: 0 });
  const base = Temporal.Instant.from("2024-03-01T17:10:00Z");
  const arrivals: SimAction[] = [];
  for (let second = 0; second < 300; second++) {
    arrivals.push(
      ...sim.appendActions(2, { created: base.add({ seconds: second }) }),
    );
  }
  // Within one minute, ids are not monotonic in created.
  const minute = arrivals.slice(0, 120);
  assert.ok(createdOutOfIdOrder(minute), "one minute's ids follow created");
  // A row of the last minute has an id below a row of the first minute.
  const firstMinuteMaxId = Math.max(...minute.map((a) => a.id));
  const lastMinute = arrivals.filter((a) =>
    a.createdEpochSeconds >= base.epochMilliseconds / 1000 + 240
  );
  assert.ok(
    lastMinute.some((a) => a.id < firstMinuteMaxId),
    "no quiet-node row below an older busy-node row",
  );
  // Abandoned block rests and foreign blocks: gaps between sorted ids.
  const sorted = arrivals.map((a) => a.id).sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((id, i) => id - sorted[i]!);
  assert.ok(gaps.every((gap) => gap >= 1), "an id used twice");
  assert.ok(gaps.some((gap) => gap > 1), "no gap");
  // Node clocks and slow commits: created is within seconds of the arrival.
  const offsets = arrivals.map((a, i) =>
    a.createdEpochSeconds - (base.epochMilliseconds / 1000 + Math.floor(i / 2))
  );
  assert.ok(offsets.some((offset) => offset !== 0), "no clock skew");
  assert.ok(offsets.every((offset) => offset >= -7 && offset <= 2));
  assert.ok(offsets.some((offset) => offset < -2), "no slow commit");
});

Deno.test("idNodes: live arrivals count in the day's total and appear in its answer", async () => {
  await using sim = await start({ idNodes: 4, idBlock: 20 });
  const url = `${sim.url}/usertracking/actions.json?day=20240301&limit=10000`;
  const before = await getJson(url);
  const added = sim.appendActions(250, {
    created: Temporal.Instant.from("2024-03-01T17:05:00Z"),
  });
  const after = await getJson(url);
  assert.equal(after.actions.total, before.actions.total + 250);
  const ids = new Set(list(after.actions.action).map((a) => a.id));
  assert.ok(added.every((a) => ids.has(a.id)));
  const pageIds = list(after.actions.action).map((a) => a.id);
  assert.deepEqual(pageIds, [...pageIds].sort((a, b) => a - b));
});

Deno.test("idNodes: the rest of the data is the same whatever the number of nodes", async () => {
  await using one = await start({ actions: 500 });
  await using three = await start({ actions: 500, idNodes: 3 });
  const shape = (a: SimAction) =>
    `${a.mediapackageId} ${a.sessionId} ${a.type} ${a.inpoint}`;
  assert.deepEqual(
    three.actions().map(shape).sort(),
    one.actions().map(shape).sort(),
  );
  assert.notDeepEqual(
    three.actions().map((a) => a.id).sort(),
    one.actions().map((a) => a.id).sort(),
  );
  // Initial rows stay inside the span.
  const end = SPAN_END.epochMilliseconds / 1000;
  assert.ok(
    three.actions().every((a) =>
      a.createdEpochSeconds <= end && a.createdEpochSeconds >= end - 3 * 3600
    ),
  );
});

Deno.test("idNodes and idBlock are checked before listening", async () => {
  await assert.rejects(start({ idNodes: 0 }), ConfigError, "--id-nodes");
  await assert.rejects(start({ idNodes: 2.5 }), ConfigError, "--id-nodes");
  await assert.rejects(start({ idBlock: 0 }), ConfigError, "--id-block");
});

/**
 * Issue 18 end to end, over a deployment's life: rows deleted on the
 * server, a checkpoint written by the code before this one, and cron runs
 * across a server midnight with ids in blocks. `harvest` runs in process
 * (flags resolved as the CLI does, "now" injected) against the simulator.
 */
import assert from "node:assert/strict";
import type { ActionOrder } from "../../../../src/simulate/start_simulator.ts";
import { simulator } from "../../../support/simulator.ts";
import { IdRanges } from "../../../../src/util/id_ranges.ts";
import { captureLogs, logLine } from "../../../support/capture_logs.ts";
import { inProcessHarvest, tallyWindow } from "./_harvest_at.ts";
import { EXACTLY_ONCE } from "../../../harvest/_delivery_fixture.ts";

const NY = "America/New_York";
const NOON = Temporal.Instant.from("2025-03-04T17:00:00Z");

function noonSimulator(order: ActionOrder = "id") {
  return simulator({
    flavor: "stock",
    order,
    idNodes: 3,
    seed: 21,
    actions: 3000,
    spanSeconds: 3600,
    spanEnd: NOON,
    timezone: NY,
  });
}

for (const order of ["id", "created"] as const) {
  Deno.test(`a day that shrinks between runs (rows deleted, ${order} order) warns once with the day and the counts, delivers what is new, and carries on`, async () => {
    await using sim = await noonSimulator(order);
    await using h = await inProcessHarvest(sim, { batchSize: 200 });
    const firstStart = NOON.add({ seconds: 1 }).subtract({ minutes: 30 });
    assert.equal(
      (await h.run(NOON.add({ seconds: 1 }), "-i", "30")).exitCode,
      0,
    );
    const before = await h.ids();
    // A cleanup deletes 120 rows of the morning (before the window) and 30
    // delivered ones; 50 new rows arrive.
    const morning = sim.actions().filter((a) =>
      Temporal.Instant.compare(a.created, firstStart) < 0
    ).slice(0, 120).map((a) => a.id);
    const deleted = [...morning, ...before.slice(0, 30)];
    assert.equal(sim.deleteActions(deleted), 150);
    const added = sim.appendActions(50, { created: NOON.add({ minutes: 2 }) });
    const [second, logs] = await captureLogs(() =>
      h.run(NOON.add({ minutes: 5 }))
    );
    assert.equal(second.exitCode, 0);
    const warnings = logs.filter((r) => r.level === "warning").map(logLine);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(
      warnings[0]!,
      /day 20250304 now counts \d+ actions, fewer than the \d+/,
    );
    assert.match(warnings[0]!, /deleted on the server/);
    const after = await h.ids();
    assert.deepEqual(
      after.slice(before.length).sort((a, b) => a - b),
      added.map((a) => a.id).sort((a, b) => a - b),
      "only the new rows",
    );
    // The next run reads as usual: no warning, the new rows once.
    const more = sim.appendActions(40, { created: NOON.add({ minutes: 7 }) });
    const [third, later] = await captureLogs(() =>
      h.run(NOON.add({ minutes: 10 }))
    );
    assert.equal(third.exitCode, 0);
    assert.equal(later.filter((r) => r.level === "warning").length, 0);
    const last = await h.ids();
    assert.deepEqual(
      last.slice(after.length).sort((a, b) => a - b),
      more.map((a) => a.id).sort((a, b) => a - b),
    );
    const gone = new Set(deleted);
    assert.deepEqual(
      tallyWindow(
        sim,
        last.filter((id) => !gone.has(id)),
        firstStart,
        NOON.add({ minutes: 10 }),
      ),
      EXACTLY_ONCE,
    );
  });
}

Deno.test("rows deleted while a run reads the day neither loop nor stall it: warned once, the new rows delivered once", async () => {
  await using sim = await noonSimulator();
  await using h = await inProcessHarvest(sim, { batchSize: 100 });
  assert.equal((await h.run(NOON.add({ seconds: 1 }), "-i", "30")).exitCode, 0);
  const before = (await h.ids()).length;
  const added = sim.appendActions(300, { created: NOON.add({ minutes: 2 }) });
  // Every day request deletes 60 rows of the morning: the day shrinks
  // while it is read, and again while it is read again.
  const morning = sim.actions().slice(0, 2000).map((a) => a.id);
  let requests = 0;
  sim.onRequest(({ params }) => {
    if (params.day === undefined) return;
    sim.deleteActions(morning.splice(0, 60));
    requests++;
  });
  const [result, logs] = await captureLogs(() =>
    h.run(NOON.add({ minutes: 5 }))
  );
  assert.equal(result.exitCode, 0);
  assert.ok(requests < 100, `${requests} day requests`);
  const warnings = logs.filter((r) => r.level === "warning").map(logLine);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0]!, /fewer than/);
  const delivered = (await h.ids()).slice(before);
  assert.deepEqual(
    delivered.sort((a, b) => a - b),
    added.map((a) => a.id).sort((a, b) => a - b),
  );
});

/**
 * `fixtures/main_checkpoint.json` was written by the main branch's code
 * (30875df, issue 8's day cursor) against this simulator: seed 18, stock,
 * 3 engage nodes, 3,000 actions in the hour before 2025-03-04T17:00:00Z; a
 * cron run at 17:00:01 (`-i 30 -b 200`), then two arrivals a second for five
 * minutes, then a cron run at 17:05:01. It holds that checkpoint (output
 * position and writer left out) and the ids that code delivered (as
 * `IdRanges` runs). How it was made: fixtures/README.md.
 */
Deno.test("a checkpoint written by the code before this one (its day cursor) resumes without loss or repeats", async () => {
  const fixture = JSON.parse(
    await Deno.readTextFile(
      new URL("./fixtures/main_checkpoint.json", import.meta.url),
    ),
  );
  const spanEnd = Temporal.Instant.from("2025-03-04T17:00:00Z");
  await using sim = await simulator({
    flavor: "stock",
    idNodes: 3,
    seed: 18,
    actions: 3000,
    spanSeconds: 3600,
    spanEnd,
    timezone: NY,
  });
  // The same arrivals, then five minutes more.
  for (let s = 0; s < 300; s++) {
    sim.appendActions(2, { created: spanEnd.add({ seconds: 1 + s }) });
  }
  for (let s = 0; s < 300; s++) {
    sim.appendActions(2, { created: spanEnd.add({ seconds: 301 + s }) });
  }
  const before = new Set(IdRanges.fromRuns(fixture.deliveredRuns));
  assert.equal(before.size, fixture.delivered);
  assert.ok(fixture.checkpoint.position.cursor, "a day cursor");
  await using h = await inProcessHarvest(sim, { batchSize: 200 });
  await Deno.writeTextFile(h.state, JSON.stringify(fixture.checkpoint));
  const now = spanEnd.add({ minutes: 10, seconds: 1 });
  const result = await h.run(now);
  assert.equal(result.exitCode, 0);
  const delivered = await h.ids();
  assert.deepEqual(delivered.filter((id) => before.has(id)), [], "no repeats");
  // No loss from the checkpoint on: every action created from its second to
  // now is delivered, by the old code or now.
  const from = Temporal.Instant.from(fixture.checkpoint.timestamp);
  assert.deepEqual(
    tallyWindow(
      sim,
      [
        ...delivered,
        ...[...before].filter((id) => {
          const action = sim.actions().find((a) => a.id === id)!;
          return Temporal.Instant.compare(action.created, from) >= 0;
        }),
      ],
      from,
      now,
    ),
    EXACTLY_ONCE,
  );
  // The checkpoint moves to the new position: days, not a cursor.
  const saved = JSON.parse(await Deno.readTextFile(h.state));
  assert.equal(saved.position.cursor, undefined);
  assert.equal(saved.position.days[0].day, "20250304");
});

for (
  const [order, daySeconds] of [
    ["id", undefined],
    ["created", undefined],
    ["id", 20.5],
  ] as [ActionOrder, number | undefined][]
) {
  Deno.test(`cron runs across a server midnight with ids in blocks of 50 on 3 nodes (${order} order, day seconds ${daySeconds ?? "from the clock"}): every action once`, async () => {
    const midnight = Temporal.Instant.from("2025-12-05T05:00:00Z");
    const begin = midnight.subtract({ minutes: 15 });
    await using sim = await simulator({
      flavor: "oc16",
      order,
      idNodes: 3,
      idBlock: 50,
      seed: 4,
      actions: 2000,
      spanSeconds: 3600,
      spanEnd: begin,
      timezone: NY,
      daySeconds,
    });
    await using h = await inProcessHarvest(sim, { batchSize: 200 });
    let now = begin;
    let probes = 0;
    for (let run = 0; run < 12; run++) {
      sim.resetStats();
      assert.equal((await h.run(now, "-i", "10")).exitCode, 0);
      probes += sim.stats().actionByIdRequests;
      // One action a second until the next run, none past its now.
      for (let s = 0; s < 170; s++) {
        sim.appendActions(1, { created: now.add({ seconds: s }) });
      }
      now = now.add({ seconds: 170 });
    }
    assert.equal((await h.run(now)).exitCode, 0);
    assert.ok(Temporal.Instant.compare(now, midnight.add({ minutes: 15 })) > 0);
    assert.deepEqual(
      tallyWindow(sim, await h.ids(), begin.subtract({ minutes: 10 }), now),
      EXACTLY_ONCE,
    );
    assert.ok(probes > 0, "the midnight stretch was filled by id");
  });
}

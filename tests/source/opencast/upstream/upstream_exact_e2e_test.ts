/**
 * Issue 18 end to end: `harvest` (in process, its flags resolved as the CLI
 * resolves them, "now" injected) against the simulator playing upstream
 * Opencast, with no assumption about the order of ids or rows. Every check
 * counts by action id: every action of the window, once.
 */
import assert from "node:assert/strict";
import type {
  ActionOrder,
  SimAction,
  Simulator,
  SimulatorFlavor,
} from "../../../../src/simulate/start_simulator.ts";
import { simulator } from "../../../support/simulator.ts";
import { inProcessHarvest, tallyWindow } from "./_harvest_at.ts";
import { EXACTLY_ONCE } from "../../../harvest/_delivery_fixture.ts";

const NY = "America/New_York";

/** `actions.json` requests in the simulator's log. */
function listRequests(sim: Simulator): number {
  return sim.requestLog().filter((r) => r.path === "/usertracking/actions.json")
    .length;
}

// 2025-03-04 in New York (EST): the day starts at 05:00Z.
const DAY = Temporal.Instant.from("2025-03-04T05:00:00Z");

for (
  const [flavor, order] of [
    ["stock", "id"],
    ["oc12", "id"],
    ["oc16", "id"],
    ["stock", "created"],
  ] as [SimulatorFlavor, ActionOrder][]
) {
  Deno.test(`backfill 00:30-01:00 on ${flavor} (${order} order) where 1 % of the rows were stored late, with ids far above their created neighbours: every action once`, async () => {
    await using sim = await simulator({
      flavor,
      order,
      seed: 7,
      actions: 6000,
      spanSeconds: 3 * 3600,
      spanEnd: DAY.add({ hours: 3 }),
      timezone: NY,
    });
    const start = DAY.add({ minutes: 30 });
    const end = DAY.add({ minutes: 60 });
    // Stored after the rest of the day: the highest ids, old created times.
    const late: SimAction[] = [];
    for (let i = 0; i < 20; i++) {
      late.push(
        ...sim.appendActions(1, { created: start.add({ seconds: 90 * i }) }),
      );
    }
    await using h = await inProcessHarvest(sim, { batchSize: 1000 });
    const result = await h.run(
      DAY.add({ hours: 3, minutes: 5 }),
      "-s",
      start.toString(),
      "-e",
      end.toString(),
    );
    assert.equal(result.exitCode, 0);
    const delivered = await h.ids();
    assert.deepEqual(tallyWindow(sim, delivered, start, end), EXACTLY_ONCE);
    assert.ok(late.every((a) => delivered.includes(a.id)), "the late rows");
    assert.ok(delivered.length > 900, `${delivered.length} delivered`);
  });
}

for (const order of ["id", "created"] as const) {
  Deno.test(`backfill of a day whose rows keep arriving during the read (3 engage nodes, ${order} order): every action of the window once, and the read ends`, async () => {
    const now = DAY.add({ hours: 3 });
    await using sim = await simulator({
      flavor: "oc16",
      order,
      idNodes: 3,
      seed: 3,
      actions: 5000,
      spanSeconds: 3 * 3600,
      spanEnd: now,
      timezone: NY,
    });
    // Every request of the day: 30 more, stored by the three nodes now
    // (their clocks and slow commits put some a few seconds back).
    let arrivals = 0;
    sim.onRequest(({ params }) => {
      if (params.day === undefined) return;
      sim.appendActions(30, { created: now.add({ seconds: arrivals / 30 }) });
      arrivals += 30;
    });
    const start = now.subtract({ minutes: 90 });
    const end = now.subtract({ minutes: 1 });
    await using h = await inProcessHarvest(sim, { batchSize: 200 });
    const result = await h.run(
      now.add({ minutes: 1 }),
      "-s",
      start.toString(),
      "-e",
      end.toString(),
    );
    assert.equal(result.exitCode, 0);
    assert.ok(arrivals >= 30 * 15, `${arrivals} arrivals during the read`);
    assert.deepEqual(tallyWindow(sim, await h.ids(), start, end), EXACTLY_ONCE);
  });
}

/**
 * Cron runs every five minutes from noon, `perRun` arrivals spread over each
 * interval; returns the delivered ids, the `actions.json` requests of each
 * run after the first, and the simulator.
 */
async function cronRuns(
  options: {
    order: ActionOrder;
    perRun: number;
    runs: number;
    batchSize: number;
    seed?: number;
  },
) {
  const noon = Temporal.Instant.from("2025-03-04T17:00:00Z");
  const sim = await simulator({
    flavor: "stock",
    order: options.order,
    idNodes: 3,
    idBlock: 50,
    seed: options.seed ?? 5,
    actions: 6000,
    spanSeconds: 4 * 3600,
    spanEnd: noon,
    timezone: NY,
  });
  const h = await inProcessHarvest(sim, { batchSize: options.batchSize });
  let now = noon.add({ seconds: 1 });
  // The first run: the 30 minutes before now.
  const firstStart = now.subtract({ minutes: 30 });
  const first = await h.run(now, "-i", "30");
  assert.equal(first.exitCode, 0);
  const requests: number[] = [];
  for (let run = 0; run < options.runs; run++) {
    for (let i = 0; i < options.perRun; i++) {
      sim.appendActions(1, {
        created: now.add({ seconds: Math.floor((i * 295) / options.perRun) }),
      });
    }
    now = now.add({ minutes: 5 });
    sim.resetStats();
    const result = await h.run(now);
    assert.equal(result.exitCode, 0);
    requests.push(listRequests(sim));
    // After every run: everything up to its now, once.
    assert.deepEqual(
      tallyWindow(sim, await h.ids(), firstStart, now),
      EXACTLY_ONCE,
      `run ${run + 2}`,
    );
  }
  return {
    requests,
    async [Symbol.asyncDispose]() {
      await h[Symbol.asyncDispose]();
      await sim.close();
    },
  };
}

for (const order of ["id", "created"] as const) {
  Deno.test(`cron runs with ids in blocks of 50 on 3 engage nodes (${order} order), arrivals between them: every action once after every run`, async () => {
    await using runs = await cronRuns({
      order,
      perRun: 300,
      runs: 5,
      batchSize: 200,
    });
    assert.equal(runs.requests.length, 5);
  });

  Deno.test(`a cron run after 500 new actions at -b 500 (3 nodes, blocks of 50, ${order} order) makes at most ceil(500/500) + 6 requests to actions.json, the detection probe included`, async () => {
    for (const seed of [5, 7]) {
      await using runs = await cronRuns({
        order,
        perRun: 500,
        runs: 3,
        batchSize: 500,
        seed,
      });
      assert.ok(
        runs.requests.every((n) => n <= Math.ceil(500 / 500) + 6),
        `seed ${seed}: ${runs.requests}`,
      );
      console.log(
        `${order} order, seed ${seed}: actions.json requests per cron run ${runs.requests}`,
      );
    }
  });
}

Deno.test("a cron run after an action stored minutes after its created, below every id read (a quiet node): delivered once, though older than the window", async () => {
  const noon = Temporal.Instant.from("2025-03-04T17:00:00Z");
  await using sim = await simulator({
    flavor: "oc12",
    idNodes: 3,
    seed: 9,
    actions: 3000,
    spanSeconds: 3600,
    spanEnd: noon,
    timezone: NY,
  });
  await using h = await inProcessHarvest(sim, { batchSize: 200 });
  assert.equal((await h.run(noon.add({ seconds: 1 }), "-i", "30")).exitCode, 0);
  // Created 8 minutes before the run's window starts, committed now.
  const [late] = sim.appendActions(1, {
    created: noon.subtract({ minutes: 8 }),
  });
  sim.appendActions(50, { created: noon.add({ minutes: 2 }) });
  const second = await h.run(noon.add({ minutes: 5 }));
  assert.equal(second.exitCode, 0);
  const delivered = await h.ids();
  assert.equal(delivered.filter((id) => id === late!.id).length, 1);
  assert.deepEqual(
    tallyWindow(
      sim,
      delivered,
      noon.add({ seconds: 1 }).subtract({ minutes: 30 }),
      noon.add({ minutes: 5 }),
    ),
    EXACTLY_ONCE,
  );
});

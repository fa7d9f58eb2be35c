/**
 * What tests of upstream exactness need from the simulator (issue 18): rows
 * deleted on the server, rows arriving while a harvest reads (a hook before
 * every answer, or live arrivals), and the log of the requests it answered.
 */
import assert from "node:assert/strict";
import { waitFor } from "../support/wait_for.ts";
import { ConfigError } from "../../src/errors.ts";
import { startSimulator } from "../../src/simulate/start_simulator.ts";

const SPAN_END = Temporal.Instant.from("2024-03-01T17:00:00Z");

// deno-lint-ignore no-explicit-any
async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  assert.equal(response.status, 200, url);
  return await response.json();
}

function start(options = {}) {
  return startSimulator({
    port: 0,
    spanEnd: SPAN_END,
    actions: 300,
    flavor: "stock",
    quiet: true,
    daySeconds: 0,
    ...options,
  });
}

Deno.test("deleteActions() shrinks the day's total and answer, and /_sim/delete does the same", async () => {
  await using sim = await start();
  const day = `${sim.url}/usertracking/actions.json?day=20240301&limit=1000`;
  const ids = sim.actions().slice(0, 10).map((a) => a.id);
  assert.equal(sim.deleteActions([...ids.slice(0, 5), 1]), 5);
  let body = await getJson(day);
  assert.equal(body.actions.total, 295);
  const left = new Set(body.actions.action.map((a: { id: number }) => a.id));
  assert.ok(ids.slice(0, 5).every((id) => !left.has(id)));
  assert.equal(sim.actions().length, 295);
  const response = await fetch(
    `${sim.url}/_sim/delete?id=${ids[5]}&id=${ids[6]}`,
    { method: "POST" },
  );
  assert.deepEqual(await response.json(), { deleted: 2 });
  body = await getJson(day);
  assert.equal(body.actions.total, 293);
  const gone = await fetch(`${sim.url}/usertracking/action/${ids[5]}.json`);
  assert.equal(gone.status, 204);
  await gone.body?.cancel();
});

Deno.test("onRequest() runs before each answer: rows added there are in it; requestLog() lists the requests", async () => {
  await using sim = await start();
  let added = 0;
  sim.onRequest(({ path, params }) => {
    if (path === "/usertracking/actions.json" && params.day) {
      sim.appendActions(3, { created: SPAN_END });
      added += 3;
    }
  });
  const first = await getJson(
    `${sim.url}/usertracking/actions.json?day=20240301&limit=1`,
  );
  assert.equal(first.actions.total, 303);
  const second = await getJson(
    `${sim.url}/usertracking/actions.json?day=20240301&limit=1`,
  );
  assert.equal(second.actions.total, 306);
  sim.onRequest(undefined);
  await getJson(`${sim.url}/usertracking/actions.json?limit=1`);
  assert.equal(added, 6);
  assert.deepEqual(sim.requestLog().map((r) => r.params.day ?? "-"), [
    "20240301",
    "20240301",
    "-",
  ]);
  assert.equal(sim.requestLog()[0]!.path, "/usertracking/actions.json");
  sim.resetStats();
  assert.deepEqual(sim.requestLog(), []);
});

Deno.test("arrivalsPerSecond adds rows while it runs, and is checked before listening", async () => {
  await using sim = await start({ arrivalsPerSecond: 20 });
  const before = sim.actions().length;
  // They arrive once a second: 20 within the first.
  await waitFor(() => sim.actions().length >= before + 20, "20 arrivals", 5000);
  await assert.rejects(
    start({ arrivalsPerSecond: -1 }),
    ConfigError,
    "--arrivals-per-second",
  );
});

/**
 * `openOpencastSource()` against the simulator: the requests the harvest
 * makes through it, the table anchor among them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openOpencastSource } from "../../../src/source/opencast/open_opencast_source.ts";
import { startSimulator } from "../../../src/simulate/start_simulator.ts";
import { captureLogs } from "../../support/capture_logs.ts";

const SPAN_END = Temporal.Instant.from("2026-12-05T05:00:00Z");

function settings(host: string) {
  return {
    engage: { host, auth: "digest" as const, timeoutMs: 5000, maxAttempts: 1 },
    opencastApi: "upstream" as const,
  };
}

Deno.test("fetchAnchor() returns the table's last row (its newest id), in two list requests", async () => {
  await using sim = await startSimulator({
    port: 0,
    seed: 3,
    actions: 250,
    spanEnd: SPAN_END,
    spanSeconds: 3 * 86_400,
    flavor: "stock",
    quiet: true,
  });
  const [source] = await captureLogs(() =>
    openOpencastSource(settings(sim.url))
  );
  const before = sim.stats().actionRequests;
  const anchor = await source.fetchAnchor();
  const newest = Math.max(...sim.actions().map((action) => action.id));
  assert.equal(anchor?.id, newest);
  assert.equal(sim.stats().actionRequests - before, 2);
  // Its created time is the server's own, so the id walk can place it.
  const row = sim.actions().find((action) => action.id === newest)!;
  assert.equal(Date.parse(anchor!.created), row.created.epochMilliseconds);
});

Deno.test("fetchAnchor() on an empty table is null after one request", async () => {
  await using sim = await startSimulator({
    port: 0,
    actions: 0,
    spanEnd: SPAN_END,
    flavor: "stock",
    quiet: true,
  });
  const [source] = await captureLogs(() =>
    openOpencastSource(settings(sim.url))
  );
  const before = sim.stats().actionRequests;
  assert.equal(await source.fetchAnchor(), null);
  assert.equal(sim.stats().actionRequests - before, 1);
});

/**
 * `usertrackingRequests()` against the simulator: the requests the Opencast
 * source makes, the table anchor among them.
 *
 * @module
 */
import assert from "node:assert/strict";
import { usertrackingRequests } from "../../../src/source/opencast/usertracking_requests.ts";
import { OpencastClient } from "../../../src/opencast/opencast_client.ts";
import { simulator } from "../../support/simulator.ts";
import { captureLogs, logLine } from "../../support/capture_logs.ts";

const SPAN_END = Temporal.Instant.from("2026-12-05T05:00:00Z");

function requestsTo(host: string) {
  return usertrackingRequests(
    new OpencastClient({ host, timeoutMs: 5000, maxAttempts: 1 }),
  );
}

Deno.test("fetchAnchor() returns the table's last row (its newest id), in two list requests", async () => {
  await using sim = await simulator({
    seed: 3,
    actions: 250,
    spanEnd: SPAN_END,
    spanSeconds: 3 * 86_400,
    flavor: "stock",
  });
  const source = requestsTo(sim.url);
  const before = sim.stats().actionRequests;
  const anchor = await source.fetchAnchor();
  const newest = Math.max(...sim.actions().map((action) => action.id));
  assert.equal(anchor?.id, newest);
  assert.equal(sim.stats().actionRequests - before, 2);
  assert.equal(source.requests, 2, "each counted");
  // Its created time is the server's own, so the id walk can place it.
  const row = sim.actions().find((action) => action.id === newest)!;
  assert.equal(Date.parse(anchor!.created), row.created.epochMilliseconds);
});

Deno.test("fetchAnchor() on an empty table is null after one request", async () => {
  await using sim = await simulator({
    actions: 0,
    spanEnd: SPAN_END,
    flavor: "stock",
  });
  const source = requestsTo(sim.url);
  const before = sim.stats().actionRequests;
  assert.equal(await source.fetchAnchor(), null);
  assert.equal(sim.stats().actionRequests - before, 1);
});

Deno.test("fetchPage() warns once when the server answers more rows than asked for", async () => {
  // A server that ignores limit: 30 rows for a request of 10, every time.
  const rows = Array.from({ length: 30 }, (_, index) => ({
    id: index + 1,
    mediapackageId: "mp-1",
    sessionId: { sessionId: "s", userId: "u", userIp: "10.0.0.1" },
    inpoint: 0,
    outpoint: 0,
    length: 0,
    type: "HEARTBEAT",
    isPlaying: true,
    created: "2026-12-05T00:00:01-05:00",
  }));
  await using server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () =>
      Response.json({
        actions: { total: 30, offset: 0, limit: 10, action: rows },
      }),
  );
  const source = requestsTo(`http://127.0.0.1:${server.addr.port}`);
  const [pages, records] = await captureLogs(async () => [
    await source.fetchPage({ day: "20261205", limit: 10, offset: 0 }),
    await source.fetchPage({ day: "20261205", limit: 10, offset: 10 }),
  ]);
  assert.equal(pages[0]!.actions.length, 30, "nothing is dropped");
  const warnings = records.filter((record) => record.level === "warning");
  assert.equal(warnings.length, 1);
  assert.match(
    logLine(warnings[0]!),
    /answered 30 actions to a request for 10/,
  );
});

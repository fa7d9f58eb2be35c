import assert from "node:assert/strict";
import {
  checkpointPolicy,
  planHarvest,
  type PlanSettings,
} from "../../src/harvest/plan_harvest.ts";
import { parseWindowFlag } from "../../src/harvest/resolve_window.ts";
import { SpanExceededError } from "../../src/errors.ts";
import { edgeHold } from "../../src/source/opencast/upstream/edge_hold.ts";

const NY = "America/New_York";
const at = (text: string) => Temporal.Instant.from(text);

/** A source that reads any end (the DCE fork's). */
const DCE = {};
/** Upstream Opencast's: an end around a server midnight waits (see `edgeHold()`). */
const UPSTREAM = {
  latestEnd: (end: Temporal.Instant) => edgeHold(end, NY) ?? end,
};

const CRON: PlanSettings = {
  start: undefined,
  end: undefined,
  updateCheckpoint: "auto",
  dryRun: false,
  catchUp: false,
  maxSpanSeconds: undefined,
  spanCheck: true,
  zone: NY,
  intervalMinutes: 2,
};

Deno.test("checkpointPolicy() moves the checkpoint from cron runs, not from --start runs or dry runs", () => {
  assert.deepEqual(checkpointPolicy(CRON), { moves: true, saves: true });
  assert.deepEqual(
    checkpointPolicy({
      ...CRON,
      start: parseWindowFlag("20240301100000", NY, "--start"),
    }),
    { moves: false, saves: false },
  );
  assert.deepEqual(
    checkpointPolicy({
      ...CRON,
      start: parseWindowFlag("20240301100000", NY, "--start"),
      updateCheckpoint: "always",
    }),
    { moves: true, saves: true },
  );
  assert.deepEqual(checkpointPolicy({ ...CRON, dryRun: true }), {
    moves: true,
    saves: false,
  });
  assert.deepEqual(checkpointPolicy({ ...CRON, updateCheckpoint: "never" }), {
    moves: false,
    saves: false,
  });
});

Deno.test("planHarvest() continues from the checkpoint to now", () => {
  const plan = planHarvest({
    settings: CRON,
    stored: { timestamp: at("2024-03-01T15:00:00Z"), ids: [7] },
    now: at("2024-03-01T15:02:00Z"),
    source: DCE,
  });
  assert.equal(plan.window.start.toString(), "2024-03-01T15:00:00Z");
  assert.equal(plan.window.end.toString(), "2024-03-01T15:02:00Z");
  assert.deepEqual([...plan.window.skipIds], [7]);
  assert.equal(plan.windows.length, 1);
  assert.deepEqual(plan.notes, []);
});

Deno.test("planHarvest() holds a cron run on upstream Opencast before the server's midnight edge", () => {
  // 00:00:30 in New York: inside the edge no day query surely returns.
  const now = at("2024-03-02T05:00:30Z");
  const stored = { timestamp: at("2024-03-02T04:50:00Z"), ids: [] };
  const upstream = planHarvest({
    settings: CRON,
    stored,
    now,
    source: UPSTREAM,
  });
  assert.equal(upstream.window.end.toString(), "2024-03-02T04:59:00Z");
  assert.match(upstream.notes[0]!.message, /Holding the window end/);
  const dce = planHarvest({ settings: CRON, stored, now, source: DCE });
  assert.equal(dce.window.end.toString(), now.toString());
});

Deno.test("planHarvest() splits a long window with --catch-up, and refuses it without", () => {
  const settings = { ...CRON, maxSpanSeconds: 600 };
  const stored = { timestamp: at("2024-03-01T15:00:00Z"), ids: [] };
  const now = at("2024-03-01T15:25:00Z");
  assert.throws(
    () => planHarvest({ settings, stored, now, source: DCE }),
    SpanExceededError,
  );
  const plan = planHarvest({
    settings: { ...settings, catchUp: true },
    stored,
    now,
    source: DCE,
  });
  assert.equal(plan.windows.length, 3);
});

Deno.test("planHarvest() warns when --update-last-ts with --start leaves a gap after the checkpoint", () => {
  const plan = planHarvest({
    settings: {
      ...CRON,
      start: parseWindowFlag("2024-03-01T15:10:00Z", NY, "--start"),
      updateCheckpoint: "always",
    },
    stored: { timestamp: at("2024-03-01T15:00:00Z"), ids: [] },
    now: at("2024-03-01T15:20:00Z"),
    source: DCE,
  });
  assert.equal(plan.notes.length, 1);
  assert.equal(plan.notes[0]!.level, "warn");
  assert.match(plan.notes[0]!.message, /will not be harvested/);
});

Deno.test("planHarvest() says --catch-up does nothing without a span", () => {
  const plan = planHarvest({
    settings: { ...CRON, catchUp: true },
    stored: null,
    now: at("2024-03-01T15:20:00Z"),
    source: DCE,
  });
  assert.match(plan.notes[0]!.message, /--catch-up does nothing/);
});

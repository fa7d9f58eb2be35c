/**
 * SIGTERM and SIGINT during a harvest (issue 4, "progress is saved as it is
 * made"): the page being delivered is finished and checkpointed, pages
 * fetched ahead of it are dropped (neither sent nor saved), nothing more is
 * fetched, the exit code is 143 or 130, and the rerun delivers the rest
 * exactly once. A second signal stops at once. Against a slow simulator;
 * the real signals (SIGINT, a second SIGTERM that ends the process) go to
 * the CLI as a subprocess, the rest to runs in process (`kill` delivers the
 * signal to the run as the process's listener would).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import {
  DETECTION_REQUESTS,
  EXACTLY_ONCE,
  type Fixture,
  openFixture,
  SLOW,
  waitFor,
  ZONE,
} from "./_delivery_fixture.ts";
import { parseCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";
import type { CliResult } from "../support/run_cli.ts";
import { TestClock } from "../support/test_clock.ts";

const BATCH = 100;

function args(f: Fixture, ...more: string[]): string[] {
  return f.queueArgs("--state-file", f.stateFile, ...more);
}

/** The checkpoint matches exactly the actions that arrived: the newest second and its ids. */
async function assertCheckpointCovers(f: Fixture, arrived: readonly number[]) {
  const text = await Deno.readTextFile(join(f.dir, "checkpoint.json"));
  const checkpoint = parseCheckpoint(text, ZONE);
  const delivered = f.sim.actions().filter((a) => arrived.includes(a.id));
  const newest = delivered.at(-1)!.created;
  assert.equal(checkpoint.timestamp.toString(), newest.toString());
  assert.deepEqual(
    checkpoint.ids,
    delivered.filter((a) => a.created.equals(newest)).map((a) => a.id),
  );
}

/** A run that a signal can stop: in process, or a real process. */
interface Stoppable {
  kill(signal: "SIGTERM" | "SIGINT"): void;
  readonly done: Promise<CliResult>;
}

async function stopMidRun(
  signal: "SIGTERM" | "SIGINT",
  code: number,
  start: (f: Fixture, args: string[]) => Stoppable,
) {
  await using f = await openFixture({ ...SLOW, actions: 800, latencyMs: 150 });
  const run = start(f, args(f));
  // Page 3 asked for: pages 1 and 2 are delivered or under way (the next
  // pages are fetched while one is delivered).
  await waitFor(
    () => f.sim.stats().actionRequests >= 3 + DETECTION_REQUESTS,
    "page 3",
  );
  const requestsAtSignal = f.sim.stats().actionRequests;
  run.kill(signal);
  const stopped = await run.done;
  assert.equal(stopped.code, code, stopped.stderr);
  assert.match(stopped.stderr, new RegExp(`stopped by ${signal}`));
  // One request may have started while the signal was on its way.
  assert.ok(
    f.sim.stats().actionRequests <= requestsAtSignal + 1,
    "no page asked for after the signal",
  );
  const arrived = f.queuedIds();
  assert.ok(arrived.length >= BATCH, "the page in flight was finished");
  assert.equal(arrived.length % BATCH, 0, "whole pages only");
  await assertCheckpointCovers(f, arrived);

  f.sim.setLatency(0);
  const rerun = await f.run(args(f));
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
}

Deno.test("harvest stopped by SIGTERM finishes the page in flight, saves the checkpoint and exits 143", async () => {
  await stopMidRun("SIGTERM", 143, (f, args) => f.start(args));
});

Deno.test("harvest stopped by a real SIGINT finishes the page in flight, saves the checkpoint and exits 130", async () => {
  await stopMidRun("SIGINT", 130, (f, args) => {
    const { child, done } = f.spawn(args);
    return { kill: (signal) => child.kill(signal), done };
  });
});

Deno.test("harvest stopped by SIGTERM during the pause between pages fetches no further page", async () => {
  await using f = await openFixture({ actions: 300, spanSeconds: 60 });
  const clock = new TestClock();
  const run = f.start(args(f, "--wait", "30"), {}, { clock });
  await waitFor(() => f.queuedIds().length === BATCH, "page 1 delivered");
  await waitFor(
    () => existsSync(join(f.dir, "checkpoint.json")),
    "page 1 checkpointed",
  );
  // The run is in its 30 s pause (which only the test's clock could end).
  assert.equal(await clock.nextPause(), 30_000);
  run.kill("SIGTERM");
  const stopped = await run.done;
  assert.equal(stopped.code, 143, stopped.stderr);
  assert.equal(f.sim.stats().actionRequests, 1 + DETECTION_REQUESTS);
  assert.equal(f.queuedIds().length, BATCH);
  await assertCheckpointCovers(f, f.queuedIds());

  const rerun = await f.run(args(f));
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
});

Deno.test("harvest stops at once on a second signal, leaving the page in flight undelivered and unsaved", async () => {
  await using f = await openFixture({ ...SLOW, latencyMs: 600, episodes: 3 });
  // A real process: the second signal ends it through Deno.exit.
  const run = f.spawn(args(f));
  // Pages 1 to 3 delivered (2 and 3 were asked for together, and their
  // episodes are known); pages 4 and 5 are in flight, answered 0.6 s later.
  await waitFor(() => f.queuedIds().length >= 3 * BATCH, "pages 1 to 3");
  run.child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 50));
  run.child.kill("SIGTERM");
  const stopped = await run.done;
  assert.equal(stopped.code, 143, stopped.stderr);
  assert.equal(f.queuedIds().length, 3 * BATCH, "page 4 was not delivered");
  await assertCheckpointCovers(f, f.queuedIds());

  f.sim.setLatency(0);
  const rerun = await f.run(args(f));
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
});

/**
 * Runs killed with SIGKILL mid-harvest, then run again (issue 4, "progress is
 * saved as it is made" and "idempotent downstream ids"): nothing is lost, SQS
 * sees at most the page in flight twice, and a `file:` output holds every
 * action exactly once with no half line.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertAtMostOnePageRepeated,
  BUCKET,
  DETECTION_REQUESTS,
  EXACTLY_ONCE,
  fileIds,
  KEY,
  openFixture,
  S3_CHECKPOINT,
  simIds,
  SLOW,
  tally,
  waitFor,
  ZONE,
} from "./_delivery_fixture.ts";
import { parseCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";

const BATCH = 100;
/** Pages of {@linkcode BATCH} over the last 5 minutes. */
const PAGES_OF_100 = ["-b", String(BATCH), "-i", "5"];

Deno.test("harvest killed with SIGKILL after a few pages loses nothing and repeats at most one page when run again", async () => {
  await using f = await openFixture(SLOW);
  const args = f.queueArgs("--state-file", f.stateFile);
  const run = f.spawn(args);
  await waitFor(() => f.queuedIds().length >= 3 * BATCH, "three pages");
  run.child.kill("SIGKILL");
  const killed = await run.done;
  assert.notEqual(killed.code, 0);
  const before = f.queuedIds().length;
  assert.ok(before < 1000, "killed before the end");

  // The file lock died with the process: the rerun is not locked out.
  f.sim.setLatency(0);
  const rerun = await f.run(args);
  assert.equal(rerun.code, 0, rerun.stderr);
  assertAtMostOnePageRepeated(f.queuedIds(), f.sim, BATCH);
});

Deno.test("harvest to a file killed with SIGKILL mid-run leaves no half line and every action once after the rerun", async () => {
  // Enough pages that the kill, even late under load, falls mid-run (pages
  // are asked for two at a time).
  await using f = await openFixture({ ...SLOW, actions: 3000, latencyMs: 50 });
  const output = join(f.dir, "actions.jsonl");
  const args = f.fileArgs(output, ...PAGES_OF_100);
  const run = f.spawn(args);
  await waitFor(
    () => f.sim.stats().actionRequests >= 4 + DETECTION_REQUESTS,
    "page 4",
  );
  run.child.kill("SIGKILL");
  await run.done;
  const partial = await fileIds(output);
  assert.ok(partial.ids.length < 3000, "killed before the end");

  f.sim.setLatency(0);
  const rerun = await f.run(args);
  assert.equal(rerun.code, 0, rerun.stderr);
  const { ids, tornLine } = await fileIds(output);
  assert.equal(tornLine, false);
  assert.deepEqual(tally(ids, simIds(f.sim)), EXACTLY_ONCE);
});

Deno.test("harvest to a file takes back a page written but not checkpointed when a SIGKILL fell in between", async () => {
  await using f = await openFixture({
    ...SLOW,
    actions: 500,
    latencyMs: 200,
    episodes: 3,
  });
  const output = join(f.dir, "actions.jsonl");
  const args = f.harvestArgs("--output", `file:${output}`, ...PAGES_OF_100);
  // Pages 1 and 2 checkpointed; then every attempt to save page 3 fails, so
  // page 3 sits in the file with the checkpoint still at page 2.
  f.s3.failRequests(3, 500, { operation: "PutObject", after: 2 });
  const run = f.spawn(args, S3_CHECKPOINT);
  await waitFor(() => (f.s3.requests.PutObject ?? 0) >= 3, "third save");
  run.child.kill("SIGKILL");
  await run.done;
  const checkpoint = parseCheckpoint(f.s3.text(BUCKET, KEY)!, ZONE);
  const written = await fileIds(output);
  assert.equal(written.ids.length, 3 * BATCH, "page 3 is in the file");
  assert.equal(checkpoint.output?.path, output);
  assert.ok(
    checkpoint.output.size < (await Deno.stat(output)).size,
    "the checkpoint is behind the file",
  );

  f.sim.setLatency(0);
  const rerun = await f.run(args, S3_CHECKPOINT);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.match(rerun.stderr, /Took back 100 records from the end of/);
  const { ids, tornLine } = await fileIds(output);
  assert.equal(tornLine, false);
  assert.deepEqual(tally(ids, simIds(f.sim)), EXACTLY_ONCE);
});

Deno.test("harvest to a file keeps output it will not deliver again, such as a backfill's", async () => {
  await using f = await openFixture({ actions: 200, spanSeconds: 60 });
  const output = join(f.dir, "actions.jsonl");
  const cron = f.fileArgs(output, "-i", "5");
  const first = await f.run(cron);
  assert.equal(first.code, 0, first.stderr);
  // A backfill of older actions into the same file (it does not move the
  // checkpoint): the file grows past the checkpoint's position.
  const old = Temporal.Now.instant().subtract({ minutes: 10 });
  const backfilled = f.sim.appendActions(5, { created: old });
  const backfill = await f.run(
    f.fileArgs(
      output,
      "-s",
      old.toString(),
      "-e",
      old.add({ seconds: 1 }).toString(),
    ),
  );
  assert.equal(backfill.code, 0, backfill.stderr);

  f.sim.appendActions(5);
  const next = await f.run(cron);
  assert.equal(next.code, 0, next.stderr);
  assert.doesNotMatch(next.stderr, /Took back/);
  const { ids } = await fileIds(output);
  assert.deepEqual(tally(ids, simIds(f.sim)), EXACTLY_ONCE);
  assert.ok(backfilled.every((a) => ids.includes(a.id)));
});

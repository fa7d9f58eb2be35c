/**
 * Fenced checkpoints end to end (issue 10, item 1): two machines sharing an
 * S3 checkpoint through one Redis, with Redis restarted mid-run so that the
 * second machine takes the lock the first still believes it holds; and a run
 * whose Redis freezes, so that it cannot renew its lock. Against a slow
 * simulator, the SQS fake, the S3 fake (which honours If-Match) and a real
 * Redis; of two runs at once one is a subprocess (runs in process share
 * LogTape), the others run in process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  assertAtMostOnePageRepeated,
  type Fixture,
  KEY,
  openFixture,
  S3_CHECKPOINT,
  SLOW,
  stderrLines,
  waitFor,
} from "./_delivery_fixture.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { S3_WRITE_PROBE_ETAG } from "../../src/checkpoint/s3_checkpoint_store.ts";

const BATCH = 100;

/**
 * The next cron run (at full speed) delivers whatever the stopped run did
 * not: every action, nothing else, at most one page twice.
 */
async function assertRerunExact(f: Fixture, env: Record<string, string>) {
  f.sim.setLatency(0);
  const next = await f.run(f.queueArgs(), env);
  assert.equal(next.code, 0, next.stderr);
  assertAtMostOnePageRepeated(f.queuedIds(), f.sim, BATCH);
}

Deno.test("two machines after a Redis restart: the S3 checkpoint is fenced, at most one page is repeated and one run moves it", async () => {
  await using redis = await startRedisServer();
  await using f = await openFixture({ ...SLOW, actions: 800 });
  // Two machines: their own state directories (so their own file locks) and
  // their own AWS access keys (so the S3 fake can tell their writes apart).
  const machine = (name: string) => ({
    ...S3_CHECKPOINT,
    REDIS_URL: redis.url,
    AWS_ACCESS_KEY_ID: name,
    XDG_STATE_HOME: join(f.dir, name, "state"),
  });
  const args = f.queueArgs(
    "--wait",
    "0.5",
    // Renewed only every 15 s: the first run does not notice the restart
    // before the second one harvests; only the fence keeps them apart.
    "--lock-ttl",
    "60",
  );
  // A is a real process started first; B starts in process, at once, while
  // A still has pages to go (runs in process share LogTape: one at a time).
  const first = f.spawn(args, machine("machine-a"));
  await waitFor(() => f.queuedIds().length >= 2 * BATCH, "two pages from A");
  // Redis restarts empty: A's lock key is gone.
  await redis.stop();
  await redis.restart();
  const second = f.start(args, machine("machine-b"));
  const results = [await first.done, await second.done];

  // The checkpoint's writes (each run also leaves its last-run record, and
  // proves the key writable before sending with a write S3 always refuses).
  const checkpointWrites = f.s3.writes.filter((w) =>
    w.key === KEY && w.ifMatch !== S3_WRITE_PROBE_ETAG
  );
  const stored = checkpointWrites.filter((w) => w.status === 200);
  const refused = checkpointWrites.filter((w) => w.status === 412);
  const writers = stored.map((w) => w.accessKey);
  // The writers' sequence switches at most once (A… then B…): after one run
  // moved the checkpoint past the other's, the other never moved it again.
  const switches = writers.filter((k, i) => i > 0 && k !== writers[i - 1]);
  assert.ok(switches.length <= 1, `writers ${writers.join(",")}`);
  assert.ok(
    results.some((r) => r.code === 8),
    `one run stopped on the fence: ${results.map((r) => r.code)}\n${
      results.map((r) => r.stderr).join("\n")
    }`,
  );
  for (const result of results) {
    assert.ok([0, 8].includes(result.code), result.stderr);
  }
  const loser = results.find((r) => r.code === 8)!;
  assert.match(
    stderrLines(loser).at(-1)!,
    /Another run moved the checkpoint s3:\/\/harvest-state\/last-action-ts|Lost the run lock/,
  );
  if (refused.length > 0) {
    // The refused writer wrote nothing after its refusal.
    const loserKey = refused[0]!.accessKey;
    const after = checkpointWrites.slice(
      checkpointWrites.indexOf(refused[0]!) + 1,
    );
    assert.deepEqual(after.filter((w) => w.accessKey === loserKey), []);
  }

  // The next cron run finishes whatever the loser left (at full speed).
  await assertRerunExact(f, machine("machine-b"));
});

Deno.test("a run whose Redis freezes cannot renew its lock: it stops before the lock expires, sends nothing after, exits 8", async () => {
  await using redis = await startRedisServer();
  await using f = await openFixture(SLOW);
  const ttlSeconds = 3;
  const env = { ...S3_CHECKPOINT, REDIS_URL: redis.url };
  const args = f.queueArgs(
    "--wait",
    "0.3",
    "--lock-ttl",
    String(ttlSeconds),
    "--redis-timeout",
    "1",
  );
  const run = f.start(args, env);
  await waitFor(() => f.queuedIds().length >= BATCH, "a first page");
  redis.freeze();
  // The key expires at most ttl after the last renewal, which was before the
  // freeze: whatever arrives after that was sent by a run without a lock.
  await new Promise((resolve) => setTimeout(resolve, ttlSeconds * 1000));
  const sentWhileLocked = f.queuedIds().length;
  const result = await run.done;
  redis.thaw();
  assert.equal(result.code, 8, result.stderr);
  assert.match(stderrLines(result).at(-1)!, /Could not renew the run lock/);
  assert.equal(f.queuedIds().length, sentWhileLocked, "nothing sent after");
  assert.ok(sentWhileLocked < f.sim.actions().length, "it stopped early");
  // The checkpoint holds no more than what was sent: the next run repeats
  // at most one page and loses nothing.
  await assertRerunExact(f, env);
});

Deno.test("a run whose Redis restarts mid-run (the lock key lost) stops within moments of the restart, exits 8, and the next run is exact", async () => {
  await using redis = await startRedisServer();
  await using f = await openFixture(SLOW);
  const env = { ...S3_CHECKPOINT, REDIS_URL: redis.url };
  const args = f.queueArgs(
    "--wait",
    "0.5",
    // Renewed only every 15 s: only the reconnection can tell it in time.
    "--lock-ttl",
    "60",
  );
  const run = f.start(args, env);
  await waitFor(() => f.queuedIds().length >= BATCH, "a first page");
  await redis.stop();
  // Down for longer than a few of the client's reconnect attempts.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await redis.restart();
  const restartedAt = performance.now();
  const result = await run.done;
  const seconds = (performance.now() - restartedAt) / 1000;
  assert.equal(result.code, 8, result.stderr);
  assert.match(stderrLines(result).at(-1)!, /Lost the run lock/);
  assert.ok(seconds < 5, `stopped ${seconds} s after the restart`);
  assert.ok(f.queuedIds().length < f.sim.actions().length, "it stopped early");
  await assertRerunExact(f, env);
});

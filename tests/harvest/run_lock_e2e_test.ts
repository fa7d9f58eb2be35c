/**
 * One harvest at a time (issue 4): two runs started together on the same
 * checkpoint, with the Redis lock and with the file lock; a stale Redis lock
 * from a dead run expires. Against a slow simulator, the SQS and S3 fakes
 * and a real Redis; runs that must overlap or die by SIGKILL are
 * subprocesses, the others run in process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BUCKET,
  DETECTION_REQUESTS,
  EXACTLY_ONCE,
  type Fixture,
  KEY,
  openFixture,
  QUEUE,
  S3_CHECKPOINT,
  SLOW,
  stderrLines,
  waitFor,
} from "./_delivery_fixture.ts";
import type { RedisServer } from "../support/redis_server.ts";
import { startRedisWithClient } from "../support/redis_client.ts";
import type { RedisClient } from "../../src/redis/redis_client.ts";
import type { CliResult } from "../support/run_cli.ts";
import { acquireFileRunLock } from "../../src/lock/file_run_lock.ts";

/** The Redis key of the lock on the S3 checkpoint (see open_harvest_parts.ts). */
const LOCK_KEY = `ua-harvest:lock:s3://${BUCKET}/${KEY}`;
/** Pages of 100 actions; 600 actions take 7 requests (the last one empty). */
const PAGES = 7;

function slowFixture(): Promise<Fixture> {
  return openFixture({ ...SLOW, actions: 600 });
}

/** The Redis lock on the S3 checkpoint. */
function redisLockEnv(redis: RedisServer) {
  return { ...S3_CHECKPOINT, REDIS_URL: redis.url };
}

/**
 * The slow fixture with its S3 checkpoint locked in a fresh Redis (`env`),
 * and a client on that Redis to look at the lock key.
 */
async function slowRedisLockFixture() {
  const redis = await startRedisWithClient();
  try {
    const f = await slowFixture();
    return {
      f,
      client: redis.client,
      env: redisLockEnv(redis.server),
      async [Symbol.asyncDispose]() {
        try {
          await f[Symbol.asyncDispose]();
        } finally {
          await redis[Symbol.asyncDispose]();
        }
      },
    };
  } catch (error) {
    await redis[Symbol.asyncDispose]();
    throw error;
  }
}

/** The winner delivered everything once; the loser said one line and did nothing. */
function assertOneWorked(
  f: Fixture,
  results: readonly CliResult[],
  lockMessage: RegExp,
) {
  const codes = results.map((r) => r.code).sort((a, b) => a - b);
  assert.deepEqual(codes, [0, 8], results.map((r) => r.stderr).join("\n"));
  const loser = results.find((r) => r.code === 8)!;
  const lines = stderrLines(loser);
  assert.equal(lines.length, 1, loser.stderr);
  assert.match(lines[0]!, lockMessage);
  assert.equal(loser.stdout, "");
  assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
  assert.equal(
    f.sim.stats().actionRequests,
    PAGES + DETECTION_REQUESTS,
    "only one run asked",
  );
}

Deno.test("harvest started twice at once on a local checkpoint: one works, the other exits 8 on the file lock", async () => {
  await using f = await slowFixture();
  const args = f.queueArgs("--state-file", f.stateFile, "--wait", "0.2");
  const results = await Promise.all(
    [f.spawn(args), f.spawn(args)].map((r) => r.done),
  );
  // The PID is written just after the lock is taken: a loser that looks in
  // between names none.
  assertOneWorked(
    f,
    results,
    /Another harvest is running \(lock file .*checkpoint\.json\.lock is held( by PID \d+)?\)/,
  );
});

Deno.test("harvest started twice at once with Redis configured: one works, the other exits 8 on the Redis lock", async () => {
  await using fixture = await slowRedisLockFixture();
  const { f, client, env } = fixture;
  const args = f.queueArgs("--wait", "0.2");
  const results = await Promise.all(
    [f.spawn(args, env), f.spawn(args, env)].map((r) => r.done),
  );
  assertOneWorked(
    f,
    results,
    new RegExp(`Another harvest is running \\(lock ${escape(LOCK_KEY)} held`),
  );
  assert.equal(
    await client.send(["EXISTS", LOCK_KEY]),
    0,
    "released at exit",
  );
});

Deno.test("harvest waits out a stale Redis lock left by a dead run, then resumes from the checkpoint", async () => {
  await using fixture = await slowRedisLockFixture();
  const { f, client, env } = fixture;
  const args = f.queueArgs();

  // A run killed mid-harvest leaves its key behind, with a time to live.
  const run = f.spawn(args, env);
  await waitFor(() => f.queuedIds().length >= 200, "two pages");
  run.child.kill("SIGKILL");
  await run.done;
  const ttl = await client.send(["PTTL", LOCK_KEY]) as number;
  assert.ok(ttl > 0 && ttl <= 60_000, `the lock expires by itself (${ttl})`);
  const sent = f.queuedIds().length;

  const locked = await f.run(args, env);
  assert.equal(locked.code, 8, locked.stderr);
  assert.equal(stderrLines(locked).length, 1, locked.stderr);
  assert.match(locked.stderr, /expires by itself within \d+ s/);
  assert.equal(f.queuedIds().length, sent, "the locked-out run sent nothing");

  // Time passes (shortened here): the key expires and the next run resumes.
  await client.send(["PEXPIRE", LOCK_KEY, 300]);
  await waitForExpiry(client);
  f.sim.setLatency(0);
  const resumed = await f.run(args, env);
  assert.equal(resumed.code, 0, resumed.stderr);
  const counted = f.queuedTally();
  assert.deepEqual(counted.missing, []);
  assert.ok(counted.duplicates <= 100, `${counted.duplicates} duplicates`);
});

Deno.test("harvest refuses to start while a lock key is set, and runs once it expired", async () => {
  await using redis = await startRedisWithClient();
  const { client } = redis;
  await using f = await openFixture({ actions: 100, spanSeconds: 60 });
  const env = redisLockEnv(redis.server);
  const args = f.harvestArgs("--queue-name", QUEUE, "-i", "5");
  await client.send(["SET", LOCK_KEY, "a-run-that-died", "PX", 60_000]);
  const locked = await f.run(args, env);
  assert.equal(locked.code, 8, locked.stderr);
  assert.equal(f.sqs.hasQueue(QUEUE), false, "nothing sent");
  assert.equal(f.s3.requests.PutObject ?? 0, 0, "nothing saved");
  // The bucket was checked beside the lock, and not created without it.
  assert.equal(f.s3.buckets.has(BUCKET), false, "no bucket created");
  assert.equal(f.sim.stats().requests, 0, "nothing fetched");

  // Its time to live runs out (shortened here).
  await client.send(["PEXPIRE", LOCK_KEY, 1]);
  await waitForExpiry(client);
  const later = await f.run(args, env);
  assert.equal(later.code, 0, later.stderr);
  assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
});

async function waitForExpiry(client: RedisClient): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await client.send(["EXISTS", LOCK_KEY]) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${LOCK_KEY} did not expire`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

Deno.test("harvest with --start (a backfill) runs while cron holds the lock, and leaves the checkpoint alone", async () => {
  await using f = await slowFixture();
  const stateFile = join(f.dir, "checkpoint.json");
  // Cron's run holds the lock for as long as this test wants.
  await using _cron = await acquireFileRunLock({ path: `${stateFile}.lock` });
  const start = f.sim.actions()[0]!.created.toString();
  const toQueue = (...more: string[]) =>
    f.harvestArgs("--queue-name", QUEUE, "--state-file", stateFile, ...more);
  const backfill = await f.run(toQueue("-b", "100", "-s", start));
  assert.equal(backfill.code, 0, backfill.stderr);
  assert.deepEqual(f.queuedTally().missing, []);
  await assert.rejects(
    Deno.stat(stateFile),
    Deno.errors.NotFound,
    "the checkpoint is not written",
  );
  const cron = await f.run(toQueue("-b", "100"));
  assert.equal(
    cron.code,
    8,
    "a run that moves the checkpoint still needs the lock",
  );
});

Deno.test("harvest that loses its Redis lock stops after the page in flight, saves nothing more and exits 8", async () => {
  await using fixture = await slowRedisLockFixture();
  const { f, client, env } = fixture;
  const args = f.queueArgs("--wait", "0.3", "--lock-ttl", "3");
  const run = f.start(args, env);
  await waitFor(() => f.queuedIds().length >= 100, "a first page");
  // The key expired during a stall and another run took it.
  await client.send(["SET", LOCK_KEY, "another-run", "PX", 60_000]);
  const saves = () => f.s3.requests.PutObject ?? 0;
  const result = await run.done;
  assert.equal(result.code, 8, result.stderr);
  assert.match(result.stderr, /Lost the run lock/);
  assert.ok(
    f.queuedIds().length < f.sim.actions().length,
    "it stopped before the end",
  );
  const savedAtExit = saves();
  assert.equal(
    await client.send(["GET", LOCK_KEY]),
    "another-run",
    "the other run's lock is left alone",
  );
  // Whatever it did not save, the next run (once the lock is free) delivers.
  await client.send(["DEL", LOCK_KEY]);
  f.sim.setLatency(0);
  const resumed = await f.run(f.queueArgs(), env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(saves() > savedAtExit);
  assert.deepEqual(f.queuedTally().missing, []);
});

/**
 * Issue 4's delivery guarantees, end to end: the CLI (in process) against
 * the simulator and the loopback SQS and S3 fakes, every assertion on what
 * arrived downstream, counted by action id. Interruptions (signals, SIGKILL)
 * and locks have their own files.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  BUCKET,
  EXACTLY_ONCE,
  KEY,
  openFixture,
  QUEUE,
  S3_CHECKPOINT,
  simIds,
  tally,
  ZONE,
} from "./_delivery_fixture.ts";
import { formatCompactTimestamp } from "../../src/opencast/opencast_time.ts";
import { parseCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { TestClock } from "../support/test_clock.ts";

Deno.test("harvest delivers every action exactly once over consecutive cron runs with arrivals in between", async () => {
  await using f = await openFixture({ actions: 600, spanSeconds: 60 });
  const args = f.harvestArgs("--queue-name", QUEUE, "-b", "100", "-i", "5");
  const stored = () => {
    const text = f.s3.text(BUCKET, KEY);
    assert.ok(text !== undefined, "the run saved a checkpoint");
    return parseCheckpoint(text, ZONE);
  };

  const first = await f.run(args, S3_CHECKPOINT);
  assert.equal(first.code, 0, first.stderr);
  const afterFirst = stored();
  assert.ok(afterFirst.ids.length > 0, "the boundary second's ids are kept");

  // Arrivals between runs: in the checkpoint's own second (the boundary the
  // original sent twice), a little later than it, and now.
  f.sim.appendActions(4, { created: afterFirst.timestamp });
  f.sim.appendActions(3, {
    created: afterFirst.timestamp.add({ seconds: 1 }),
  });
  f.sim.appendActions(5);
  // The second run's window must reach the second after the checkpoint:
  // a run faster than that would rightly leave those actions to the next.
  const wait = afterFirst.timestamp.epochMilliseconds + 2000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const second = await f.run(args, S3_CHECKPOINT);
  assert.equal(second.code, 0, second.stderr);
  let counted = f.queuedTally();
  assert.deepEqual(counted, { missing: [], unexpected: [], duplicates: 0 });

  // A run with nothing new sends nothing and moves the checkpoint to its end.
  const before = f.queuedIds().length;
  const beforeCheckpoint = stored();
  const third = await f.run(args, S3_CHECKPOINT);
  assert.equal(third.code, 0, third.stderr);
  assert.equal(f.queuedIds().length, before);
  const afterThird = stored();
  assert.ok(
    Temporal.Instant.compare(
      afterThird.timestamp,
      beforeCheckpoint.timestamp,
    ) >= 0,
    "the checkpoint never moves backwards",
  );

  // Arrivals in the empty run's end second are not skipped.
  f.sim.appendActions(3, { created: afterThird.timestamp });
  f.sim.appendActions(2);
  const fourth = await f.run(args, S3_CHECKPOINT);
  assert.equal(fourth.code, 0, fourth.stderr);
  counted = f.queuedTally();
  assert.deepEqual(counted, { missing: [], unexpected: [], duplicates: 0 });
});

Deno.test("harvest with an explicit --start leaves the checkpoint where it was unless --update-last-ts", async () => {
  await using f = await openFixture({ actions: 200, spanSeconds: 60 });
  const start = formatCompactTimestamp(
    Temporal.Now.instant().subtract({ minutes: 5 }),
    ZONE,
  );
  const old = formatCompactTimestamp(
    Temporal.Now.instant().subtract({ minutes: 30 }),
    ZONE,
  );
  f.s3.put(BUCKET, KEY, old);

  const backfill = await f.run(
    f.harvestArgs("--queue-name", QUEUE, "-s", start),
    S3_CHECKPOINT,
  );
  assert.equal(backfill.code, 0, backfill.stderr);
  assert.equal(f.queuedIds().length, 200);
  assert.equal(f.s3.text(BUCKET, KEY), old, "checkpoint untouched");

  const moved = await f.run(
    f.harvestArgs("--queue-name", "moved", "-s", start, "--update-last-ts"),
    S3_CHECKPOINT,
  );
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(
    moved.stderr,
    /will not be harvested by runs that continue from the checkpoint/,
    "the jump over the gap is named",
  );
  assert.doesNotMatch(
    backfill.stderr,
    /will not be harvested/,
    "a backfill that leaves the checkpoint alone has nothing to warn about",
  );
  const newest = f.sim.actions().at(-1)!.created;
  const checkpoint = parseCheckpoint(f.s3.text(BUCKET, KEY)!, ZONE);
  assert.equal(checkpoint.timestamp.toString(), newest.toString());
});

Deno.test("harvest --catch-up harvests a window ten times the max span in sub-windows, saving after each", async () => {
  await using f = await openFixture({ actions: 400, spanSeconds: 195 });
  const from = Temporal.Now.instant().subtract({ seconds: 200 }).round({
    smallestUnit: "second",
    roundingMode: "floor",
  });
  const bare = formatCompactTimestamp(from, ZONE);
  const expected = simIds(f.sim, from);
  assert.ok(expected.length > 300);
  const checkpointAt = (key: string) => ({
    S3_HARVEST_TS_BUCKET: BUCKET,
    S3_LAST_ACTION_TS_KEY: key,
    MAX_START_END_SPAN: "20",
  });

  // Without --catch-up: exit 6 naming both remedies, nothing sent or saved.
  f.s3.put(BUCKET, "refused", bare);
  const refused = await f.run(
    f.harvestArgs("--queue-name", "refused"),
    checkpointAt("refused"),
  );
  assert.equal(refused.code, 6, refused.stderr);
  assert.match(refused.stderr, /--catch-up/);
  assert.match(refused.stderr, /--disable-start-end-span-check/);
  assert.deepEqual(f.queuedIds("refused"), []);
  assert.equal(f.s3.text(BUCKET, "refused"), bare);

  f.s3.put(BUCKET, "caught-up", bare);
  const putsBefore = f.s3.requests.PutObject ?? 0;
  const caughtUp = await f.run(
    f.harvestArgs("--queue-name", "caught-up", "-b", "50", "--catch-up"),
    checkpointAt("caught-up"),
  );
  assert.equal(caughtUp.code, 0, caughtUp.stderr);
  assert.deepEqual(tally(f.queuedIds("caught-up"), expected), {
    missing: [],
    unexpected: [],
    duplicates: 0,
  });
  const done = [
    ...caughtUp.stderr.matchAll(/Window (\d+) of (\d+) done/g),
  ];
  const windows = Number(done.at(-1)?.[2]);
  assert.ok(windows >= 10, `${windows} sub-windows`);
  assert.equal(done.length, windows);
  assert.ok(
    (f.s3.requests.PutObject ?? 0) - putsBefore >= windows,
    "a checkpoint per sub-window at least",
  );
  const newest = f.sim.actions().at(-1)!.created;
  const saved = parseCheckpoint(f.s3.text(BUCKET, "caught-up")!, ZONE);
  assert.ok(Temporal.Instant.compare(saved.timestamp, newest) >= 0);

  f.s3.put(BUCKET, "one-go", bare);
  const oneGo = await f.run(
    f.harvestArgs(
      "--queue-name",
      "one-go",
      "-b",
      "50",
      "--disable-start-end-span-check",
    ),
    checkpointAt("one-go"),
  );
  assert.equal(oneGo.code, 0, oneGo.stderr);
  assert.match(oneGo.stderr, /, 1 window, /);
  assert.doesNotMatch(oneGo.stderr, /Window \d+ of/);
  assert.deepEqual(tally(f.queuedIds("one-go"), expected), {
    missing: [],
    unexpected: [],
    duplicates: 0,
  });
});

Deno.test("harvest --dry-run sends and saves nothing and reports what a real run then does", async () => {
  await using f = await openFixture({ actions: 300, spanSeconds: 60 });
  const from = Temporal.Now.instant().subtract({ seconds: 30 }).round({
    smallestUnit: "second",
    roundingMode: "floor",
  });
  const text = JSON.stringify({
    version: 1,
    timestamp: from.toString(),
    ids: [],
  });
  f.s3.put(BUCKET, KEY, text);
  const expected = simIds(f.sim, from);
  assert.ok(expected.length > 0);

  const dry = await f.run(
    f.harvestArgs("--queue-name", QUEUE, "-b", "100", "--dry-run"),
    S3_CHECKPOINT,
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(f.sqs.hasQueue(QUEUE), false, "no queue looked up or created");
  assert.equal(f.sqs.requests.SendMessageBatch ?? 0, 0);
  assert.equal(f.s3.text(BUCKET, KEY), text, "checkpoint unchanged");
  assert.equal(f.s3.requests.PutObject ?? 0, 0);
  const report = dry.stderr.match(
    /Dry run: would have sent (\d+) records to sqs:actions and moved the checkpoint to (\S+);/,
  );
  assert.ok(report, dry.stderr);
  assert.equal(Number(report[1]), expected.length);

  const real = await f.run(
    f.harvestArgs("--queue-name", QUEUE, "-b", "100"),
    S3_CHECKPOINT,
  );
  assert.equal(real.code, 0, real.stderr);
  assert.deepEqual(tally(f.queuedIds(), expected), {
    missing: [],
    unexpected: [],
    duplicates: 0,
  });
  const saved = parseCheckpoint(f.s3.text(BUCKET, KEY)!, ZONE);
  assert.equal(saved.timestamp.toString(), report[2]);
});

Deno.test("harvest --dry-run before the first run (no S3 bucket yet) reports as usual and creates nothing", async () => {
  await using f = await openFixture({ actions: 80, spanSeconds: 60 });
  assert.equal(f.s3.buckets.has(BUCKET), false);
  const dry = await f.run(
    f.harvestArgs("--queue-name", QUEUE, "-i", "5", "--dry-run"),
    S3_CHECKPOINT,
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /S3 bucket harvest-state does not exist yet/);
  assert.match(
    dry.stderr,
    /Dry run: would have sent 80 records to sqs:actions and moved the checkpoint to /,
  );
  assert.equal(f.s3.buckets.has(BUCKET), false, "no bucket created");
  assert.equal(f.s3.requests.CreateBucket ?? 0, 0);
  assert.equal(f.s3.requests.PutObject ?? 0, 0);
  assert.equal(f.sqs.hasQueue(QUEUE), false, "no queue created");
});

Deno.test("harvest --dry-run with a local checkpoint creates no state file", async () => {
  await using f = await openFixture({ actions: 50, spanSeconds: 60 });
  const stateFile = join(f.dir, "state.json");
  const output = join(f.dir, "out.jsonl");
  const dry = await f.run(
    f.harvestArgs(
      "--output",
      `file:${output}`,
      "--state-file",
      stateFile,
      "-i",
      "5",
      "--dry-run",
    ),
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /would have sent 50 records to file:/);
  await assert.rejects(Deno.stat(stateFile), Deno.errors.NotFound);
  await assert.rejects(Deno.stat(output), Deno.errors.NotFound);
});

Deno.test("harvest to a FIFO queue sets the deduplication id to the action id and the group id to the mediapackage", async () => {
  await using f = await openFixture({ actions: 120, spanSeconds: 60 });
  const toFifo = (queue: string, state: string, ...more: string[]) =>
    f.harvestArgs(
      "--queue-name",
      queue,
      "--state-file",
      join(f.dir, state),
      "-i",
      "5",
      ...more,
    );
  const byMpid = await f.run(toFifo("actions.fifo", "a.json"));
  assert.equal(byMpid.code, 0, byMpid.stderr);
  const messages = f.sqs.messages("actions.fifo");
  assert.deepEqual(
    tally(messages.map((m) => JSON.parse(m.body).action_id), simIds(f.sim)),
    { missing: [], unexpected: [], duplicates: 0 },
  );
  for (const message of messages) {
    const record = JSON.parse(message.body);
    assert.equal(message.messageDeduplicationId, String(record.action_id));
    assert.equal(message.messageGroupId, record.mpid);
  }

  const bySession = await f.run(
    toFifo("sessions.fifo", "b.json", "--fifo-group-by", "session_id"),
  );
  assert.equal(bySession.code, 0, bySession.stderr);
  const sessions = f.sqs.messages("sessions.fifo");
  assert.equal(sessions.length, 120);
  for (const message of sessions) {
    const record = JSON.parse(message.body);
    assert.equal(message.messageDeduplicationId, String(record.action_id));
    assert.equal(message.messageGroupId, String(record.session_id ?? "none"));
  }
  assert.ok(
    sessions.some((m) => m.messageGroupId !== JSON.parse(m.body).mpid),
    "grouped by session, not mediapackage",
  );
});

Deno.test("harvest draws the progress line only with --progress when stderr is not a terminal", async () => {
  await using f = await openFixture({ actions: 300, spanSeconds: 60 });
  const args = (name: string) =>
    f.harvestArgs(
      "--output",
      `file:${join(f.dir, `${name}.jsonl`)}`,
      "--state-file",
      join(f.dir, `${name}.json`),
      "-b",
      "100",
      "-i",
      "5",
    );
  const forced = await f.run([...args("forced"), "--progress"]);
  assert.equal(forced.code, 0, forced.stderr);
  // Each redraw: carriage return, clear the line, the text.
  const frames = forced.stderr.split("\r\x1b[2K").slice(1);
  assert.match(
    frames[0]!,
    /^pages 1 · 100\/300 actions · [\d,]+\/s · ETA \d+s$/,
  );
  assert.ok(
    frames.some((frame) => /^pages \d+ · 300\/300 actions/.test(frame)),
  );

  const quiet = await f.run(args("quiet"));
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /\r/);
  assert.doesNotMatch(quiet.stderr, /pages \d+ ·/);
  const lines = (await Deno.readTextFile(join(f.dir, "quiet.jsonl")))
    .trimEnd().split("\n");
  assert.equal(lines.length, 300);
});

Deno.test("harvest --wait pauses that long between pages, on the run's clock, and still delivers every action once", async () => {
  await using f = await openFixture({ actions: 300, spanSeconds: 60 });
  const clock = new TestClock();
  const run = f.start(f.queueArgs("--wait", "30"), {}, { clock });
  let finished = false;
  void run.done.then(() => finished = true);
  // Each pause lasts until the test moves the clock past it.
  while (!finished) {
    await Promise.race([clock.nextPause(), run.done]);
    clock.advance(30_000);
  }
  const result = await run.done;
  assert.equal(result.code, 0, result.stderr);
  assert.ok(clock.pauses.length >= 2, `${clock.pauses.length} pauses`);
  assert.ok(clock.pauses.every((ms) => ms === 30_000), `${clock.pauses}`);
  assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
});

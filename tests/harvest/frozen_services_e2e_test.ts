/**
 * A frozen service never hangs a run (issue 10, item 3): S3, SQS and
 * Elasticsearch that accept connections and never answer end the harvest
 * with exit 4 (12 for S3 at a checkpoint write after delivery: issue 21)
 * within about twice their deadline times the attempts allowed,
 * and nothing past the last confirmed checkpoint counts as delivered. The
 * bounds below are generous on purpose: they catch a hang, not slowness.
 */
import assert from "node:assert/strict";
import {
  openFixture,
  QUEUE,
  S3_CHECKPOINT,
  SLOW,
  waitFor,
} from "./_delivery_fixture.ts";
import { startSilentServer } from "../support/silent_server.ts";
import { assertOneErrorLine } from "../support/error_lines.ts";

/** Seconds of one attempt in these tests. */
const DEADLINE = 0.5;

Deno.test("harvest whose S3 freezes at a checkpoint write ends with exit 12 within its deadline", async () => {
  await using f = await openFixture({ ...SLOW, latencyMs: 50, episodes: 10 });
  const run = f.start(
    f.queueArgs("--s3-timeout", String(DEADLINE)),
    S3_CHECKPOINT,
  );
  await waitFor(() => (f.s3.requests.PutObject ?? 0) >= 1, "a first save");
  f.s3.freeze();
  const frozenAt = performance.now();
  const result = await run.done;
  const seconds = (performance.now() - frozenAt) / 1000;
  // Records of the pages after the first save went out: exit 12, which says
  // the next run repeats them, with the frozen S3 as the cause.
  assertOneErrorLine(
    result,
    12,
    /\d+ records were delivered but not recorded, so the next run delivers them again: Cannot reach S3 while writing s3:\/\/harvest-state/,
  );
  // 3 attempts of 0.5 s and the SDK's backoff: a hang would take minutes.
  assert.ok(seconds < 30, `ended ${seconds} s after the freeze`);
  const saved = f.s3.writes.filter((w) => w.status === 200).at(-1)!;
  assert.ok(saved, "the first checkpoint was saved before the freeze");
});

Deno.test("harvest whose SQS never answers ends with exit 4 within its deadline", async () => {
  await using f = await openFixture({ actions: 100, spanSeconds: 60 });
  await using silent = startSilentServer();
  const started = performance.now();
  const result = await f.run(
    f.harvestArgs("--queue-name", QUEUE, "-i", "5", "--sqs-timeout", "0.2"),
    { AWS_ENDPOINT_URL_SQS: silent.url },
  );
  const seconds = (performance.now() - started) / 1000;
  assertOneErrorLine(result, 4, /Cannot reach SQS/);
  assert.ok(silent.connections >= 1);
  // 5 attempts of 0.2 s with backoff, plus start-up: a hang would not end.
  assert.ok(seconds < 60, `ended after ${seconds} s`);
});

Deno.test("harvest whose Elasticsearch never answers ends with exit 4 within its deadline", async () => {
  await using f = await openFixture({ actions: 100, spanSeconds: 60 });
  await using silent = startSilentServer();
  const started = performance.now();
  const result = await f.run(
    f.harvestArgs("--output", "es", "-i", "5", "--es-timeout", "0.2"),
    { ELASTICSEARCH_HOST: silent.url },
  );
  const seconds = (performance.now() - started) / 1000;
  assertOneErrorLine(result, 4, /Elasticsearch/);
  assert.ok(silent.connections >= 1);
  assert.ok(seconds < 60, `ended after ${seconds} s`);
});

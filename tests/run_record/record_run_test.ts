import assert from "node:assert/strict";
import { join } from "node:path";
import { recordRun } from "../../src/run_record/record_run.ts";
import {
  LockedError,
  LockHeldError,
  UnreachableError,
} from "../../src/errors.ts";
import { startSilentServer } from "../support/silent_server.ts";
import { loopbackAws } from "../support/loopback_aws.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";

async function recordAfter(error: Error) {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "checkpoint.json.last-run.json");
  await assert.rejects(
    recordRun(
      {
        command: "harvest",
        version: "0.0.0-test",
        record: {
          location: { kind: "file", path },
          aws: { region: "us-east-1" } as never,
        },
      },
      () => Promise.reject(error),
      () => ({ counts: { actionsDelivered: 300 } }),
    ),
    (thrown) => thrown === error,
  );
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (thrown) {
    if (thrown instanceof Deno.errors.NotFound) return null;
    throw thrown;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("recordRun() keeps no record for a run the lock turned away", async () => {
  assert.equal(await recordAfter(new LockHeldError("another run")), null);
});

Deno.test("recordRun() records a run that lost its lock after delivering, with its exit code and counts", async () => {
  const record = await recordAfter(new LockedError("lock lost"));
  assert.equal(record.exitCode, 8);
  assert.equal(record.counts.actionsDelivered, 300);
});

Deno.test("recordRun() does not wait on an S3 the run could not reach, whatever it was doing there", async () => {
  await using silent = startSilentServer();
  const failures = [
    "Cannot reach S3 while checking bucket 'harvest-state' (endpoint http://127.0.0.1:1, region us-east-1) after 3 attempts: TimeoutError: no answer within 100 ms",
    "Found no AWS credentials for S3 while reading s3://harvest-state/last (region us-east-1): Could not load AWS credentials: looked in …",
  ];
  for (const line of failures) {
    const error = new UnreachableError(line);
    const [, logs] = await captureLogs(() =>
      assert.rejects(
        recordRun(
          {
            command: "harvest",
            version: "0.0.0-test",
            record: {
              location: { kind: "s3", bucket: "harvest-state", key: "last" },
              aws: loopbackAws(silent.url),
              deadlines: { s3Ms: 100, sqsMs: 100, redisMs: 100 },
            },
          },
          () => Promise.reject(error),
          () => ({ counts: {} }),
        ),
        (thrown) => thrown === error,
      )
    );
    assert.equal(silent.connections, 0, line);
    assert.ok(
      logs.map(logLine).some((l) =>
        /Could not write the last-run record s3:\/\/harvest-state\/last: the run failed on this storage itself/
          .test(l)
      ),
      line,
    );
  }
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { recordRun } from "../../src/run_record/record_run.ts";
import { LockedError, LockHeldError } from "../../src/errors.ts";

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

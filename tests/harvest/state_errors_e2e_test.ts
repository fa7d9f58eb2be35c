/**
 * Never deliver what cannot be recorded (issue 21, item 1): a read-only or
 * full state directory is found before the first record is sent (exit 11,
 * nothing sent), and a checkpoint save that fails after delivery says how
 * many records the next run repeats (exit 12). The CLI runs in process
 * (`runMain`) against the simulator and the SQS and S3 fakes, with real
 * read-only and full file systems where this machine can make them (root and
 * `mount`, as here and in CI).
 */
import assert from "node:assert/strict";
import { assertOneErrorLine, errorLines } from "../support/error_lines.ts";
import { join } from "node:path";
import {
  BUCKET,
  EXACTLY_ONCE,
  KEY,
  openFixture,
  S3_CHECKPOINT,
} from "./_delivery_fixture.ts";
import { S3_WRITE_PROBE_ETAG } from "../../src/checkpoint/s3_checkpoint_store.ts";

/** Runs a command; `true` when it exited 0. */
async function sh(command: string, ...args: string[]): Promise<boolean> {
  try {
    const { code } = await new Deno.Command(command, {
      args,
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return false;
  }
}

/** Whether this machine lets the tests mount (root with `mount`, as CI). */
async function canMount(): Promise<boolean> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return false;
  const dir = await Deno.makeTempDir();
  try {
    if (!await sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", dir)) {
      return false;
    }
    await sh("umount", dir);
    return true;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

const MOUNTS = await canMount();

/**
 * Makes `dir` read-only: a read-only bind mount where the test may mount
 * (root ignores file modes), else its mode. Returns the undo.
 */
async function makeReadOnly(dir: string): Promise<() => Promise<void>> {
  if (MOUNTS) {
    assert.ok(await sh("mount", "--bind", dir, dir), "bind mount");
    if (!await sh("mount", "-o", "remount,ro,bind", dir)) {
      await sh("umount", "-l", dir);
      assert.fail("read-only remount");
    }
    return async () => void await sh("umount", "-l", dir);
  }
  await Deno.chmod(dir, 0o555);
  return () => Deno.chmod(dir, 0o755);
}

Deno.test("harvest with a read-only state directory exits 11 with one line naming it, and sends nothing", async () => {
  await using f = await openFixture({ actions: 200, spanSeconds: 60 });
  const state = join(f.dir, "state", "ua-harvest");
  await Deno.mkdir(state, { recursive: true });
  const undo = await makeReadOnly(state);
  try {
    const result = await f.run(
      f.queueArgs(),
    );
    assertOneErrorLine(
      result,
      11,
      new RegExp(
        `Cannot write the lock file ${state}/checkpoint\\.json\\.lock: (read-only file system|permission denied); nothing was sent`,
      ),
    );
    assert.deepEqual(f.queuedIds(), []);
  } finally {
    await undo();
  }
});

Deno.test({
  name:
    "harvest whose checkpoint disk is full exits 11 before sending, and the run after freeing it is exact",
  ignore: !MOUNTS,
  async fn() {
    await using f = await openFixture({ actions: 400, spanSeconds: 60 });
    const state = join(f.dir, "state", "ua-harvest");
    await Deno.mkdir(state, { recursive: true });
    assert.ok(
      await sh("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", state),
    );
    try {
      const args = f.queueArgs();
      const first = await f.run(args);
      assert.equal(first.code, 0, first.stderr);
      const sent = f.queuedIds().length;
      // New actions arrive, and the disk fills up (the run's own files stay).
      f.sim.appendActions(150);
      const filler = join(state, "filler");
      await sh("dd", "if=/dev/zero", `of=${filler}`, "bs=4k", "count=1000");
      const full = await f.run(args);
      assertOneErrorLine(
        full,
        11,
        new RegExp(
          `Cannot write the checkpoint in ${state}: no space left on device; nothing was sent`,
        ),
      );
      assert.equal(f.queuedIds().length, sent, "nothing sent while full");
      await Deno.remove(filler);
      const freed = await f.run(args);
      assert.equal(freed.code, 0, freed.stderr);
      assert.deepEqual(f.queuedTally(), EXACTLY_ONCE);
    } finally {
      await sh("umount", "-l", state);
    }
  },
});

Deno.test("harvest whose checkpoint save is refused after delivery exits 12 naming the records the next run repeats", async () => {
  await using f = await openFixture({ actions: 500, spanSeconds: 60 });
  const env = S3_CHECKPOINT;
  const args = f.queueArgs();
  // The first page's save goes through, the second page's is refused.
  f.s3.failRequests(1, 403, {
    code: "AccessDenied",
    operation: "PutObject",
    after: 1,
  });
  const failed = await f.run(args, env);
  assert.equal(failed.code, 12, failed.stderr);
  const errors = errorLines(failed.stderr);
  assert.equal(errors.length, 1, failed.stderr);
  const repeated = Number(
    /(\d+) records were delivered but not recorded, so the next run delivers them again: /
      .exec(errors[0]!)?.[1],
  );
  assert.equal(repeated, 100, errors[0]);
  assert.match(errors[0]!, /s3:\/\/harvest-state\/last-action-ts/);
  const again = await f.run(args, env);
  assert.equal(again.code, 0, again.stderr);
  // The second run proved the key writable before sending (one refused probe).
  assert.ok(
    f.s3.writes.some((w) => w.ifMatch === S3_WRITE_PROBE_ETAG),
    "write probe",
  );
  const counted = f.queuedTally();
  assert.deepEqual(counted.missing, []);
  assert.equal(counted.duplicates, repeated);
});

Deno.test("harvest whose S3 checkpoint may not be written exits 11 before sending anything", async () => {
  await using f = await openFixture({ actions: 300, spanSeconds: 60 });
  f.s3.put(
    BUCKET,
    KEY,
    JSON.stringify({
      version: 1,
      timestamp: Temporal.Now.instant().subtract({ minutes: 5 }).round(
        "second",
      ).toString(),
      ids: [],
    }),
  );
  f.s3.failRequests(1, 403, { code: "AccessDenied", operation: "PutObject" });
  const result = await f.run(
    f.queueArgs(),
    S3_CHECKPOINT,
  );
  assert.equal(result.code, 11, result.stderr);
  assert.match(
    errorLines(result.stderr)[0]!,
    /Cannot write the checkpoint s3:\/\/harvest-state\/last-action-ts: S3 refused the write \(AccessDenied: .*\); nothing was sent/,
  );
  assert.deepEqual(f.queuedIds(), []);
});

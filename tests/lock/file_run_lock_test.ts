import assert from "node:assert/strict";
import { acquireFileRunLock } from "../../src/lock/file_run_lock.ts";
import { LockedError } from "../../src/errors.ts";
import { parseLockHolder } from "../../src/lock/lock_holder.ts";
import { holdInChild } from "../support/hold_in_child.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("acquireFileRunLock() refuses a second holder in the same process", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/run.lock`;
    await using lock = await acquireFileRunLock({ path });
    assert.equal(lock.description, path);
    assert.equal(parseLockHolder(await Deno.readTextFile(path))?.pid, Deno.pid);
    await assert.rejects(
      acquireFileRunLock({ path }),
      (error: unknown) =>
        error instanceof LockedError && error.message.includes(path),
    );
  });
});

Deno.test("acquireFileRunLock() names its holder: PID, host and since when", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/run.lock`;
    const before = Date.now();
    await using _lock = await acquireFileRunLock({ path });
    const holder = parseLockHolder(await Deno.readTextFile(path));
    assert.equal(holder?.pid, Deno.pid);
    assert.equal(holder?.host, Deno.hostname());
    const since = Date.parse(holder?.since ?? "");
    assert.ok(since >= before - 1000 && since <= Date.now(), holder?.since);
  });
});

Deno.test("acquireFileRunLock() lets the next run in once released", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/nested/run.lock`;
    {
      await using _lock = await acquireFileRunLock({ path });
    }
    assert.equal(await Deno.readTextFile(path), "");
    await using again = await acquireFileRunLock({ path });
    assert.equal(again.description, path);
  });
});

Deno.test("acquireFileRunLock() fails at once while another process holds it, and not after that process is killed", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/run.lock`;
    const child = await holdInChild(path);
    try {
      await assert.rejects(
        acquireFileRunLock({ path }),
        (error: unknown) =>
          error instanceof LockedError &&
          error.message.includes(path) &&
          error.message.includes(`PID ${child.pid}`),
      );
    } finally {
      await child.kill();
    }
    // The kernel dropped the dead process's lock: no stale lock remains.
    await using lock = await acquireFileRunLock({ path });
    assert.equal(parseLockHolder(await Deno.readTextFile(path))?.pid, Deno.pid);
    assert.equal(lock.description, path);
  });
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { readFileLockHolder } from "../../src/lock/read_lock_holder.ts";
import { acquireFileRunLock } from "../../src/lock/file_run_lock.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("readFileLockHolder(): missing, held, released, and left behind by a killed holder", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "checkpoint.json.lock");
    assert.equal(await readFileLockHolder(path), null, "no file yet");
    {
      await using _lock = await acquireFileRunLock({ path });
      const holder = await readFileLockHolder(path);
      assert.equal(holder?.pid, Deno.pid);
      assert.equal(holder?.host, Deno.hostname());
    }
    assert.equal(await readFileLockHolder(path), null, "released: emptied");
    // What a SIGKILLed holder leaves: its name, but no lock.
    await Deno.writeTextFile(path, '{"pid":1234567,"host":"gone"}\n');
    assert.equal(await readFileLockHolder(path), null);
    // Asking did not take the lock.
    await using again = await acquireFileRunLock({ path });
    assert.equal(again.description, path);
  });
});

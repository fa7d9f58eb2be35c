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

Deno.test({
  name:
    "readFileLockHolder() sees a lock held by another process that writes nothing into the file (flock(1))",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const dir = await Deno.makeTempDir();
    const path = join(dir, "checkpoint.json.lock");
    await Deno.writeTextFile(path, "");
    // flock(1) takes the lock, says so, and holds it until its stdin closes.
    const child = new Deno.Command("flock", {
      args: ["-x", path, "sh", "-c", "echo locked; read _"],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.getReader();
    try {
      const { value } = await reader.read();
      assert.equal(new TextDecoder().decode(value).trim(), "locked");
      assert.deepEqual(await readFileLockHolder(path), {});
      // Asking did not disturb it: still held.
      assert.deepEqual(await readFileLockHolder(path), {});
    } finally {
      await child.stdin.close();
      reader.releaseLock();
      await child.stdout.cancel();
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});

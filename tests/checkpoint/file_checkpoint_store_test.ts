import assert from "node:assert/strict";
import { createFileCheckpointStore } from "../../src/checkpoint/file_checkpoint_store.ts";
import { EXIT_CODES, StateError } from "../../src/errors.ts";
import {
  DENO_FILE_SYSTEM,
  type FileSystem,
} from "../../src/util/file_system.ts";
import { assertSecondRunFenced } from "../support/assert_second_run_fenced.ts";
import { withTempDir } from "../support/temp_dir.ts";

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

Deno.test("createFileCheckpointStore() replaces the file and leaves no temporary file", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/checkpoint.json`;
    await using store = createFileCheckpointStore({ path });
    await store.save("a much longer first checkpoint text");
    await store.save("short");
    assert.equal(await store.load(), "short");
    assert.deepEqual(await listDir(dir), ["checkpoint.json"]);
  });
});

Deno.test("createFileCheckpointStore() keeps the old checkpoint when the replace fails", async () => {
  await withTempDir(async (dir) => {
    // A directory in the target's place makes the rename fail.
    const path = `${dir}/checkpoint.json`;
    await Deno.mkdir(`${path}`);
    await Deno.writeTextFile(`${path}/keep`, "x");
    await using store = createFileCheckpointStore({ path });
    await assert.rejects(store.save("new"));
    assert.deepEqual(await listDir(dir), ["checkpoint.json"]);
    assert.deepEqual(await listDir(path), ["keep"]);
  });
});

Deno.test("createFileCheckpointStore() reports a load failure other than a missing file", async () => {
  await withTempDir(async (dir) => {
    await using store = createFileCheckpointStore({ path: dir });
    await assert.rejects(store.load());
  });
});

Deno.test("createFileCheckpointStore() names the file and what to do when it cannot write", async () => {
  await withTempDir(async (dir) => {
    // A regular file where the state directory should be.
    await Deno.writeTextFile(`${dir}/not-a-dir`, "");
    const store = createFileCheckpointStore({
      path: `${dir}/not-a-dir/checkpoint.json`,
    });
    await assert.rejects(
      store.save("{}"),
      (error: unknown) =>
        error instanceof StateError &&
        error.exitCode === EXIT_CODES.stateUnwritable &&
        error.message.includes(`${dir}/not-a-dir/checkpoint.json`) &&
        error.message.includes("--state-file"),
    );
  });
});

Deno.test("createFileCheckpointStore() fences its writes: after another run moved the checkpoint, save() throws LockedError", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/checkpoint.json`;
    await Deno.writeTextFile(path, "20240101000000");
    await using first = createFileCheckpointStore({ path });
    await using second = createFileCheckpointStore({ path });
    const refusal = await assertSecondRunFenced(first, second);
    assert.ok(refusal.message.includes(path), refusal.message);
    assert.equal(await Deno.readTextFile(path), "20240101000200");
    assert.deepEqual(await listDir(dir), ["checkpoint.json"]);
  });
});

/** An OS error as Deno throws it: the errno name in `code`. */
function osError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const DISK_FULL = osError("ENOSPC", "No space left on device (os error 28)");
const READ_ONLY = osError("EROFS", "Read-only file system (os error 30)");

/** The real file system, with one operation made to fail. */
function failing(
  operation: keyof FileSystem,
  error: Error,
  options: { after?: number } = {},
): FileSystem & { written: number[] } {
  let calls = 0;
  const written: number[] = [];
  const fs = { ...DENO_FILE_SYSTEM, written };
  const real = DENO_FILE_SYSTEM[operation] as (...args: unknown[]) => unknown;
  (fs as Record<string, unknown>)[operation] = (...args: unknown[]) => {
    if (calls++ >= (options.after ?? 0)) return Promise.reject(error);
    return real(...args);
  };
  const write = fs.writeAndSync;
  fs.writeAndSync = (path, data) => {
    written.push(data.length);
    return write(path, data);
  };
  return fs;
}

Deno.test("createFileCheckpointStore() checkWritable() writes a probe of the size asked and leaves nothing behind", async () => {
  await withTempDir(async (dir) => {
    const fs = failing("rename", new Error("unused"), { after: 99 });
    await using store = createFileCheckpointStore({
      path: `${dir}/state/checkpoint.json`,
      fs,
    });
    await store.checkWritable!(50_000);
    assert.deepEqual(fs.written, [50_000]);
    assert.deepEqual(await listDir(`${dir}/state`), []);
  });
});

/** What `checkWritable()` throws in `dir` when `operation` fails with an OS error. */
async function probeError(
  dir: string,
  operation: keyof FileSystem,
  error: Error,
): Promise<StateError> {
  await using store = createFileCheckpointStore({
    path: `${dir}/checkpoint.json`,
    fs: failing(operation, error),
  });
  const thrown = await store.checkWritable!(4096).then(() => null, (e) => e);
  assert.ok(thrown instanceof StateError, String(thrown));
  return thrown;
}

Deno.test("createFileCheckpointStore() checkWritable() fails with StateError naming a full disk and the directory", async () => {
  await withTempDir(async (dir) => {
    const error = await probeError(dir, "writeAndSync", DISK_FULL);
    assert.equal(error.exitCode, 11);
    assert.equal(
      error.message,
      `Cannot write the checkpoint in ${dir}: no space left on device; nothing was sent (free space or make the directory writable, or pass another --state-file)`,
    );
    // The probe file is removed even though its write failed.
    assert.deepEqual(await listDir(dir), []);
  });
});

Deno.test("createFileCheckpointStore() checkWritable() names a read-only file system", async () => {
  await withTempDir(async (dir) => {
    const error = await probeError(dir, "makeTempFile", READ_ONLY);
    assert.ok(
      error.message.includes(`in ${dir}: read-only file system;`),
      error.message,
    );
  });
});

Deno.test("createFileCheckpointStore() save() on a disk that filled up after the probe fails with StateError and keeps the old checkpoint", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/checkpoint.json`;
    await Deno.writeTextFile(path, "old");
    // The probe's write goes through; the save's does not.
    const fs = failing("writeAndSync", DISK_FULL, { after: 1 });
    await using store = createFileCheckpointStore({ path, fs });
    assert.equal(await store.load(), "old");
    await store.checkWritable!(4096);
    await assert.rejects(
      store.save("new"),
      (error: unknown) =>
        error instanceof StateError &&
        error.message.startsWith(
          `Cannot write the checkpoint file ${path}: no space left on device;`,
        ),
    );
    assert.equal(await Deno.readTextFile(path), "old");
    assert.deepEqual(await listDir(dir), ["checkpoint.json"]);
  });
});

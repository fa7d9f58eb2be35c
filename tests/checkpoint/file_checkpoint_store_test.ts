import assert from "node:assert/strict";
import { createFileCheckpointStore } from "../../src/checkpoint/file_checkpoint_store.ts";
import { ConfigError } from "../../src/errors.ts";
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
        error instanceof ConfigError &&
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

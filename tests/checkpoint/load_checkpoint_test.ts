import assert from "node:assert/strict";
import { loadCheckpoint } from "../../src/checkpoint/load_checkpoint.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";

function storeWith(text: string | null): CheckpointStore {
  return {
    description: "s3://bucket/key",
    load: () => Promise.resolve(text),
    save: () => Promise.reject(new Error("read only")),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

Deno.test("loadCheckpoint() is null before the first save", async () => {
  assert.equal(await loadCheckpoint(storeWith(null), "UTC"), null);
});

Deno.test("loadCheckpoint() reads the original's bare timestamp in the server zone", async () => {
  const checkpoint = await loadCheckpoint(
    storeWith("20240301100000"),
    "America/New_York",
  );
  assert.equal(checkpoint?.timestamp.toString(), "2024-03-01T15:00:00Z");
});

Deno.test("loadCheckpoint() names the store in the error for text that is no checkpoint", async () => {
  await assert.rejects(
    loadCheckpoint(storeWith("not a checkpoint"), "UTC"),
    /s3:\/\/bucket\/key/,
  );
});

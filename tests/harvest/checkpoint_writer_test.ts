import assert from "node:assert/strict";
import { createCheckpointWriter } from "../../src/harvest/checkpoint_writer.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import { parseCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";

function memoryStore(): CheckpointStore & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    description: "memory",
    load: () => Promise.resolve(texts.at(-1) ?? null),
    save: (text) => {
      texts.push(text);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

const CHECKPOINT = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [3, 1],
};

Deno.test("createCheckpointWriter() saves each checkpoint with the sink's position, named by run and count", async () => {
  const store = memoryStore();
  let size = 10;
  const save = createCheckpointWriter({
    store,
    zone: "UTC",
    source: "opencast",
    sink: { position: () => ({ path: "/out.jsonl", size }) },
  });
  await save(CHECKPOINT);
  size = 25;
  await save({ ...CHECKPOINT, ids: [4] });
  assert.equal(store.texts.length, 2);
  const [first, second] = store.texts.map((t) => JSON.parse(t));
  assert.deepEqual(first.ids, [1, 3]);
  assert.deepEqual(first.output, { path: "/out.jsonl", size: 10 });
  assert.deepEqual(second.output, { path: "/out.jsonl", size: 25 });
  const [run1, n1] = first.writer.split(":");
  const [run2, n2] = second.writer.split(":");
  assert.equal(run1, run2, "one run");
  assert.deepEqual([n1, n2], ["1", "2"]);
  assert.deepEqual(parseCheckpoint(store.texts[1]!, "UTC").ids, [4]);
  const other = memoryStore();
  await createCheckpointWriter({
    store: other,
    zone: "UTC",
    source: "opencast",
    sink: {},
  })(CHECKPOINT);
  const third = JSON.parse(other.texts[0]!);
  assert.notEqual(third.writer.split(":")[0], run1, "another run, another id");
  assert.equal(third.output, undefined, "a sink without a position");
});

Deno.test("createCheckpointWriter() names the source in every checkpoint, with its position", async () => {
  const store = memoryStore();
  await createCheckpointWriter({
    store,
    zone: "UTC",
    source: "matomo",
    sink: {},
  })(
    { ...CHECKPOINT, position: { visit: 42 } },
  );
  const saved = parseCheckpoint(store.texts[0]!, "UTC");
  assert.equal(saved.source, "matomo");
  assert.deepEqual(saved.position, { visit: 42 });
});

Deno.test("createCheckpointWriter() saves nothing once the fence is aborted", async () => {
  const store = memoryStore();
  const fence = new AbortController();
  const save = createCheckpointWriter({
    store,
    zone: "UTC",
    source: "opencast",
    sink: {},
    fence: fence.signal,
  });
  await save(CHECKPOINT);
  fence.abort(new Error("Lost the run lock"));
  await assert.rejects(save(CHECKPOINT), /Lost the run lock/);
  assert.equal(store.texts.length, 1);
});

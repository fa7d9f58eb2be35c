import assert from "node:assert/strict";
import {
  nextCheckpointBytes,
  startWriteProbe,
} from "../../src/checkpoint/start_write_probe.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import { StateError } from "../../src/errors.ts";

function store(checkWritable?: (bytes: number) => Promise<void>) {
  return {
    description: "test",
    load: () => Promise.resolve(null),
    save: () => Promise.resolve(),
    ...(checkWritable ? { checkWritable } : {}),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  } satisfies CheckpointStore;
}

Deno.test("startWriteProbe() starts the probe at once and hands its failure to the waiter", async () => {
  const asked: number[] = [];
  const probe = startWriteProbe(
    store((bytes) => {
      asked.push(bytes);
      return Promise.reject(new StateError("read-only"));
    }),
    { stored: null, batchSize: 1000 },
  );
  // Started before anyone waits: it runs beside the rest of the start-up.
  assert.deepEqual(asked, [
    nextCheckpointBytes({ stored: null, batchSize: 1000 }),
  ]);
  // Nothing awaited for a while: no unhandled rejection fails this test.
  await new Promise((resolve) => setTimeout(resolve, 10));
  await assert.rejects(probe.proven(), StateError);
  await probe[Symbol.asyncDispose]();
});

Deno.test("startWriteProbe() proves nothing for a run that saves nothing or a store that cannot tell", async () => {
  await startWriteProbe(null, { stored: null, batchSize: 10 }).proven();
  await startWriteProbe(store(), { stored: null, batchSize: 10 }).proven();
});

Deno.test("nextCheckpointBytes() has room for the stored ids and a whole page more", () => {
  const stored = {
    timestamp: Temporal.Instant.from("2024-05-01T12:00:00Z"),
    ids: Array.from({ length: 300 }, (_, i) => Number.MAX_SAFE_INTEGER - i),
  };
  const bound = nextCheckpointBytes({ stored, batchSize: 1000 });
  const worst = JSON.stringify({
    version: 1,
    timestamp: "2024-05-01T12:00:00Z",
    last_action_ts: "20240501080000",
    zone: "America/Argentina/ComodRivadavia",
    ids: [
      ...stored.ids,
      ...Array.from({ length: 1000 }, (_, i) => Number.MAX_SAFE_INTEGER - i),
    ],
    output: { path: "/var/lib/ua-harvest/".padEnd(1024, "x"), size: 1e15 },
    cursor: { day: "20240501", offset: 1e9, id: Number.MAX_SAFE_INTEGER },
    writer: crypto.randomUUID() + ":1000000",
  });
  assert.ok(bound >= worst.length, `${bound} < ${worst.length}`);
});

Deno.test("startWriteProbe() disposed before anyone waited lets the probe finish", async () => {
  let finished = false;
  const probe = startWriteProbe(
    store(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
      throw new StateError("full");
    }),
    { stored: null, batchSize: 10 },
  );
  // A run that failed before waiting: disposal waits, and does not throw.
  await probe[Symbol.asyncDispose]();
  assert.equal(finished, true);
});

import assert from "node:assert/strict";
import { cutBatches } from "../../src/harvest/cut_batches.ts";
import type { SourceBatch } from "../../src/source/action_source.ts";
import { userAction } from "../support/user_action.ts";

async function* batches(...list: SourceBatch[]) {
  yield* list;
}

const ACTIONS = Array.from(
  { length: 5 },
  (_, index) => userAction(index + 1, "2024-03-01T10:00:01-05:00"),
);

Deno.test("cutBatches() cuts a big batch into parts: requests and total on the first, the position only on the last", async () => {
  const parts = await Array.fromAsync(cutBatches(
    batches({
      actions: ACTIONS,
      pages: 1,
      probes: 2,
      total: 5,
      position: { cursor: 7 },
    }),
    2,
  ));
  assert.deepEqual(
    parts.map((part) => part.actions.map((action) => action.id)),
    [[1, 2], [3, 4], [5]],
  );
  assert.deepEqual(parts.map((part) => [part.pages, part.probes]), [
    [1, 2],
    [0, 0],
    [0, 0],
  ]);
  assert.deepEqual(parts.map((part) => part.total), [5, undefined, undefined]);
  assert.deepEqual(parts.map((part) => part.position), [
    undefined,
    undefined,
    { cursor: 7 },
  ]);
});

Deno.test("cutBatches() passes batches within the bound through as they are", async () => {
  const batch: SourceBatch = { actions: ACTIONS, pages: 1, probes: 0 };
  const parts = await Array.fromAsync(cutBatches(batches(batch), 5));
  assert.equal(parts.length, 1);
  assert.equal(parts[0], batch);
});

Deno.test("cutBatches() keeps a batch that clears the position (null) clearing it on its last part", async () => {
  const parts = await Array.fromAsync(cutBatches(
    batches({ actions: ACTIONS, pages: 1, probes: 0, position: null }),
    4,
  ));
  assert.deepEqual(parts.map((part) => part.position), [undefined, null]);
});

import assert from "node:assert/strict";
import { withCursor } from "../../src/checkpoint/with_cursor.ts";
import type {
  Checkpoint,
  DayCursor,
} from "../../src/checkpoint/checkpoint_format.ts";

const CURSOR: DayCursor = { day: "20240301", offset: 200, id: 4711 };
const CHECKPOINT: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [4710, 4711],
  output: { path: "/tmp/out.jsonl", size: 123 },
};

Deno.test("withCursor() adds a cursor and keeps the rest of the checkpoint", () => {
  const next = withCursor(CHECKPOINT, CURSOR);
  assert.deepEqual(next, { ...CHECKPOINT, cursor: CURSOR });
  assert.equal(CHECKPOINT.cursor, undefined, "the original is left alone");
});

Deno.test("withCursor() removes the cursor for undefined, leaving no cursor key", () => {
  const next = withCursor({ ...CHECKPOINT, cursor: CURSOR }, undefined);
  assert.deepEqual(next, CHECKPOINT);
  assert.ok(!("cursor" in next));
});

Deno.test("withCursor() replaces another cursor", () => {
  const other = { ...CURSOR, offset: 300, id: 4800 };
  assert.deepEqual(
    withCursor({ ...CHECKPOINT, cursor: CURSOR }, other).cursor,
    other,
  );
});

Deno.test("withCursor() returns the same object when the cursor is already there, and null for null", () => {
  const carrying = { ...CHECKPOINT, cursor: CURSOR };
  assert.equal(withCursor(carrying, CURSOR), carrying);
  assert.equal(withCursor(CHECKPOINT, undefined), CHECKPOINT);
  assert.equal(withCursor(null, CURSOR), null);
});

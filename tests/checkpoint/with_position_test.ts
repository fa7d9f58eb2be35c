import assert from "node:assert/strict";
import { withPosition } from "../../src/checkpoint/with_position.ts";
import type {
  Checkpoint,
  SourcePosition,
} from "../../src/checkpoint/checkpoint_format.ts";

const POSITION: SourcePosition = {
  cursor: { day: "20240301", offset: 200, id: 4711 },
};
const CHECKPOINT: Checkpoint = {
  timestamp: Temporal.Instant.from("2024-03-01T15:00:00Z"),
  ids: [4710, 4711],
  output: { path: "/tmp/out.jsonl", size: 123 },
};

Deno.test("withPosition() adds a position and keeps the rest of the checkpoint", () => {
  const next = withPosition(CHECKPOINT, POSITION);
  assert.deepEqual(next, { ...CHECKPOINT, position: POSITION });
  assert.equal(CHECKPOINT.position, undefined, "the original is left alone");
});

Deno.test("withPosition() removes the position for undefined, leaving no position key", () => {
  const next = withPosition({ ...CHECKPOINT, position: POSITION }, undefined);
  assert.deepEqual(next, CHECKPOINT);
  assert.ok(!("position" in next));
});

Deno.test("withPosition() replaces another position", () => {
  const other: SourcePosition = {
    cursor: { day: "20240301", offset: 300, id: 4800 },
  };
  assert.deepEqual(
    withPosition({ ...CHECKPOINT, position: POSITION }, other).position,
    other,
  );
});

Deno.test("withPosition() returns the same object when the position is already there, and null for null", () => {
  const carrying = { ...CHECKPOINT, position: POSITION };
  assert.equal(withPosition(carrying, POSITION), carrying);
  assert.equal(withPosition(CHECKPOINT, undefined), CHECKPOINT);
  assert.equal(withPosition(null, POSITION), null);
});

import assert from "node:assert/strict";
import { createCheckpointHold } from "../../src/checkpoint/hold_checkpoint_back.ts";
import type { UserAction } from "../../src/opencast/types.ts";

const at = (text: string) => Temporal.Instant.from(text);

function action(id: number, created: string): UserAction {
  return {
    id,
    mediapackageId: "mp",
    sessionId: "s",
    userId: "u",
    userIp: null,
    userAgent: null,
    inpoint: 0,
    outpoint: 0,
    length: 0,
    type: "PLAY",
    isPlaying: true,
    created,
  };
}

Deno.test("createCheckpointHold() holds the checkpoint back by the slack, with every id since", () => {
  const hold = createCheckpointHold(null, 10);
  hold.delivered([
    action(1, "2024-03-02T12:00:05Z"),
    action(2, "2024-03-02T12:00:21Z"),
    action(3, "2024-03-02T12:00:30Z"),
  ]);
  const held = hold.hold({ timestamp: at("2024-03-02T12:00:30Z"), ids: [3] });
  assert.equal(held.timestamp.toString(), "2024-03-02T12:00:20Z");
  assert.deepEqual(held.ids, [2, 3]);
});

Deno.test("createCheckpointHold() never moves before the checkpoint it started from, and keeps its ids", () => {
  const start = { timestamp: at("2024-03-02T12:00:20Z"), ids: [2, 3] };
  const hold = createCheckpointHold(start, 10);
  hold.delivered([action(4, "2024-03-02T12:00:24Z")]);
  const held = hold.hold({ timestamp: at("2024-03-02T12:00:24Z"), ids: [4] });
  assert.equal(held.timestamp.toString(), "2024-03-02T12:00:20Z");
  assert.deepEqual(held.ids, [2, 3, 4]);
});

Deno.test("createCheckpointHold() with no slack returns the checkpoint as it is", () => {
  const hold = createCheckpointHold(null, 0);
  const newest = { timestamp: at("2024-03-02T12:00:30Z"), ids: [3] };
  hold.delivered([action(3, "2024-03-02T12:00:30Z")]);
  assert.equal(hold.hold(newest), newest);
});

Deno.test("createCheckpointHold() forgets ids older than the held second", () => {
  const hold = createCheckpointHold(null, 10);
  hold.delivered([action(1, "2024-03-02T12:00:00Z")]);
  hold.delivered([action(2, "2024-03-02T12:01:00Z")]);
  const held = hold.hold({ timestamp: at("2024-03-02T12:01:00Z"), ids: [2] });
  assert.deepEqual(held.ids, [2]);
});

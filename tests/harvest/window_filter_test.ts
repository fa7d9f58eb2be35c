import assert from "node:assert/strict";
import { createWindowFilter } from "../../src/harvest/window_filter.ts";
import { userAction } from "../support/user_action.ts";

const window = {
  // A start with a fraction still takes its whole second.
  start: Temporal.Instant.from("2024-03-01T15:00:00.400Z"),
  end: Temporal.Instant.from("2024-03-01T16:00:00Z"),
};

Deno.test("createWindowFilter() keeps what lies in the window's whole seconds and is new, and claims it", () => {
  const deliveredIds = new Set([3]);
  const keep = createWindowFilter({
    ...window,
    skipIds: new Set([2]),
    deliveredIds,
  });
  const fresh = keep([
    userAction(1, "2024-03-01T09:59:59-05:00"), // before the start second
    userAction(2, "2024-03-01T10:00:00-05:00"), // in the checkpoint
    userAction(3, "2024-03-01T10:00:01-05:00"), // delivered earlier this run
    userAction(4, "2024-03-01T10:00:00-05:00"), // the start second
    userAction(4, "2024-03-01T10:00:00-05:00"), // twice in the batch
    userAction(5, "2024-03-01T11:00:00.750-05:00"), // inside the end second
    userAction(6, "2024-03-01T11:00:01-05:00"), // after it
  ]);
  assert.deepEqual(fresh.map((a) => a.id), [4, 5]);
  assert.deepEqual([...deliveredIds].sort(), [3, 4, 5]);
  assert.deepEqual(keep([userAction(4, "2024-03-01T10:00:00-05:00")]), []);
});

Deno.test("createWindowFilter() keeps a vouched batch's actions created before the window, never after it, and still no repeats", () => {
  const keep = createWindowFilter({
    ...window,
    skipIds: new Set([2]),
    deliveredIds: new Set(),
  });
  const actions = [
    userAction(1, "2024-03-01T08:00:00-05:00"), // hours before the start
    userAction(2, "2024-03-01T09:00:00-05:00"), // in the checkpoint
    userAction(3, "2024-03-01T11:00:00.750-05:00"), // inside the end second
    userAction(4, "2024-03-01T11:00:01-05:00"), // after it
  ];
  assert.deepEqual(keep(actions, { vouched: true }).map((a) => a.id), [1, 3]);
  assert.deepEqual(keep(actions, { vouched: true }), [], "claimed already");
  const plain = createWindowFilter({
    ...window,
    skipIds: new Set(),
    deliveredIds: new Set(),
  });
  assert.deepEqual(plain(actions).map((a) => a.id), [3]);
});

/**
 * `createWindowCheckpoint()` in `position` mode (Matomo): batches follow no
 * `created` order, the mark stays where the window started until the window
 * is finished, then moves to its end held back, with no ids.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createWindowCheckpoint } from "../../src/checkpoint/window_checkpoint.ts";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { BASE, END, plain } from "./_window_seconds.ts";

const HOLD = 1800;

function at(second: number): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds((BASE + second) * 1000);
}

function action(id: number, second: number) {
  return { id, created: at(second).toString({ timeZone: "UTC" }) };
}

Deno.test("createWindowCheckpoint() in position mode keeps the start's mark until the window is finished, whatever the batches' order", () => {
  const start: Checkpoint = { timestamp: at(0), ids: [], position: "p0" };
  const window = createWindowCheckpoint({
    start,
    end: END,
    holdBackSeconds: HOLD,
    progress: "position",
  });
  // A visit that ended late holds the window's newest action first…
  const first = window.delivered(0, {
    actions: [action(9, 3500)],
    position: "p1",
  });
  assert.deepEqual(plain(first.save), { second: 0, ids: [], position: "p1" });
  assert.equal(first.outOfOrder, undefined, "no order to break");
  // …and a later batch goes back to the window's first second.
  const second = window.delivered(1, {
    actions: [action(3, 1)],
    position: "p2",
  });
  assert.deepEqual(plain(second.save), { second: 0, ids: [], position: "p2" });
  assert.deepEqual(plain(window.reached), plain(second.save));
  // A batch that delivered nothing is saved with the next, or at the end.
  assert.deepEqual(window.delivered(2, { actions: [], position: "p3" }), {});
  const finished = window.finish(3);
  assert.deepEqual(plain(finished), {
    second: 3600 - HOLD,
    ids: [],
    position: "p3",
  });
  assert.equal(
    finished?.reached?.toString(),
    END.toString(),
    "read to its end",
  );
});

Deno.test("createWindowCheckpoint() in position mode with no start checkpoint saves at the window's start second, and never holds back before it", () => {
  const window = createWindowCheckpoint({
    start: null,
    end: END,
    holdBackSeconds: HOLD,
    progress: "position",
    windowStart: at(3000.75),
  });
  assert.deepEqual(
    plain(
      window.delivered(0, { actions: [action(1, 3100)], position: "a" })
        .save,
    ),
    { second: 3000, ids: [], position: "a" },
  );
  // The end held back (1800) lies before the window's start (3000): the
  // mark stays, as the batch's save already says.
  assert.equal(window.finish(1), undefined);
  assert.deepEqual(plain(window.reached), {
    second: 3000,
    ids: [],
    position: "a",
  });
});

Deno.test("createWindowCheckpoint() in position mode never moves the mark backwards, and saves what the last save does not say", () => {
  const start: Checkpoint = { timestamp: at(3000), ids: [7], position: "old" };
  const window = createWindowCheckpoint({
    start,
    end: END,
    holdBackSeconds: HOLD,
    progress: "position",
  });
  window.delivered(0, { actions: [action(1, 10)], position: "new" });
  window.delivered(1, { actions: [], position: "newer" });
  assert.deepEqual(plain(window.finish(2)), {
    second: 3000,
    ids: [7],
    position: "newer",
  });
  const unchanged = createWindowCheckpoint({
    start,
    end: at(3000 + HOLD),
    holdBackSeconds: HOLD,
    progress: "position",
  });
  assert.equal(unchanged.finish(0), undefined, "nothing new to save");
});

Deno.test("createWindowCheckpoint() in position mode saves with each new position that follows a delivery, and never without one (a batch cut in parts)", () => {
  const window = createWindowCheckpoint({
    start: { timestamp: at(0), ids: [] },
    end: END,
    holdBackSeconds: HOLD,
    progress: "position",
    saveEveryDelivery: true,
  });
  // The first part of a batch: its position comes with the last part, and
  // an output file's size saved now would claim actions it does not name.
  assert.equal(
    window.delivered(0, { actions: [action(1, 5)] }).save,
    undefined,
  );
  assert.deepEqual(
    plain(window.delivered(1, { actions: [action(2, 6)], position: "p" }).save),
    { second: 0, ids: [], position: "p" },
  );
  assert.equal(
    window.delivered(2, { actions: [], position: "q" }).save,
    undefined,
    "nothing delivered since the last save",
  );
  window.delivered(3, { actions: [action(3, 7)] });
  assert.equal(
    window.delivered(4, { actions: [], position: "r" }).save?.position,
    "r",
    "the part before it delivered",
  );
});

Deno.test("createWindowCheckpoint() in position mode saves nothing past a batch that failed, and cannot finish", () => {
  const window = createWindowCheckpoint({
    start: { timestamp: at(0), ids: [] },
    end: END,
    progress: "position",
  });
  assert.deepEqual(
    window.delivered(1, { actions: [action(2, 2)], position: "b" }),
    {},
    "waits for batch 0",
  );
  window.failed(0);
  assert.throws(() => window.finish(2), RangeError);
  assert.equal(window.reached?.position, undefined);
});

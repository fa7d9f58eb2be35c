import assert from "node:assert/strict";
import { mapConcurrent } from "../../src/util/map_concurrent.ts";
import { countInFlight } from "../support/in_flight.ts";

/** A call that resolves when the test says so, counting calls in flight. */
function gate() {
  const inFlight = countInFlight();
  const started: number[] = [];
  const waiting: Array<() => void> = [];
  async function fn(item: number): Promise<number> {
    started.push(item);
    await inFlight.count(() =>
      new Promise<void>((resolve) => waiting.push(resolve))
    );
    if (item < 0) throw new Error(`item ${item} failed`);
    return item * 10;
  }
  return {
    fn,
    started,
    peak: () => inFlight.most,
    /** Lets the oldest waiting call finish. */
    async release() {
      waiting.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
    /** Lets every waiting call finish, until none is left. */
    async drain() {
      while (waiting.length > 0) {
        waiting.shift()!();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}

Deno.test("mapConcurrent() keeps the input order and never runs more than the limit", async () => {
  const g = gate();
  const items = Array.from({ length: 25 }, (_, i) => i);
  const result = mapConcurrent(items, 4, g.fn);
  await g.drain();
  assert.deepEqual(await result, items.map((i) => i * 10));
  assert.equal(g.peak(), 4);
  assert.deepEqual([...g.started].sort((a, b) => a - b), items);
});

Deno.test("mapConcurrent() runs one at a time for a limit below 1, and maps nothing to nothing", async () => {
  const g = gate();
  const result = mapConcurrent([1, 2, 3], 0, g.fn);
  await g.drain();
  assert.deepEqual(await result, [10, 20, 30]);
  assert.equal(g.peak(), 1);
  assert.deepEqual(await mapConcurrent([], 4, g.fn), []);
});

Deno.test("mapConcurrent() rejects with the first failure, starts nothing after it and waits for the calls in flight", async () => {
  const g = gate();
  const items = [1, -2, 3, 4, 5, 6, 7, 8];
  let settled = false;
  const result = mapConcurrent(items, 2, g.fn).finally(() => {
    settled = true;
  });
  const rejected = assert.rejects(result, /item -2 failed/);
  await g.release(); // 1 finishes, 3 starts
  await g.release(); // -2 fails while 3 is in flight
  assert.equal(settled, false, "rejected before the call in flight settled");
  await g.release(); // 3 finishes; nothing new may start
  await rejected;
  assert.equal(settled, true);
  assert.deepEqual(g.started, [1, -2, 3]);
});

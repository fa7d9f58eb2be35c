import assert from "node:assert/strict";
import { prefetch } from "../../src/util/prefetch.ts";

/** A source that records when each item starts and lets the test finish it. */
function gatedSource(count: number) {
  const started: number[] = [];
  const gates = Array.from(
    { length: count },
    () => Promise.withResolvers<void>(),
  );
  let closed = false;
  async function* items() {
    try {
      for (let i = 0; i < count; i++) {
        started.push(i);
        await gates[i]!.promise;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return {
    items,
    started,
    open: (i: number) => gates[i]!.resolve(),
    closed: () => closed,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

Deno.test("prefetch() yields every item in order", async () => {
  async function* numbers() {
    for (let i = 0; i < 10; i++) yield i;
  }
  const seen: number[] = [];
  for await (const n of prefetch(numbers(), { depth: 3 })) seen.push(n);
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

Deno.test("prefetch() produces the next items while the consumer works, up to depth", async () => {
  const source = gatedSource(5);
  for (let i = 0; i < 5; i++) source.open(i);
  const iterator = prefetch(source.items(), { depth: 2 })
    [Symbol.asyncIterator]();
  assert.deepEqual(await iterator.next(), { value: 0, done: false });
  // The consumer holds item 0: items 1 and 2 are under way, 3 is not.
  await tick();
  assert.deepEqual(
    source.started,
    [0, 1, 2, 3].slice(0, source.started.length),
  );
  assert.ok(source.started.length <= 4, `started ${source.started}`);
  assert.ok(source.started.includes(2), `started ${source.started}`);
  await iterator.return(undefined);
});

Deno.test("prefetch() holds at most depth items ahead of a slow consumer", async () => {
  let produced = 0;
  async function* counting() {
    for (let i = 0; i < 100; i++) {
      produced++;
      yield i;
    }
  }
  const iterator = prefetch(counting(), { depth: 2 })[Symbol.asyncIterator]();
  await iterator.next();
  await tick();
  // The item handed out, plus at most depth + 1 requested behind it.
  assert.ok(produced <= 4, `produced ${produced}`);
  await iterator.return(undefined);
});

Deno.test("prefetch() delivers the items before a failure, then the failure", async () => {
  async function* failing() {
    yield 1;
    yield 2;
    throw new Error("page 3 failed");
  }
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const n of prefetch(failing(), { depth: 2 })) seen.push(n);
  }, { message: "page 3 failed" });
  assert.deepEqual(seen, [1, 2]);
});

Deno.test("prefetch() closes the source when the consumer stops early", async () => {
  const source = gatedSource(5);
  for (let i = 0; i < 5; i++) source.open(i);
  for await (const n of prefetch(source.items(), { depth: 2 })) {
    if (n === 1) break;
  }
  assert.equal(source.closed(), true);
});

Deno.test("prefetch() rejects a depth that is not a positive integer", async () => {
  async function* none() {}
  await assert.rejects(
    prefetch(none(), { depth: 0 }).next(),
    RangeError,
  );
});

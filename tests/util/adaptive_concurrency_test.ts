import assert from "node:assert/strict";
import {
  type AdaptiveConcurrency,
  createAdaptiveConcurrency,
} from "../../src/util/adaptive_concurrency.ts";

/** Completes one window of requests, each with the same round trip. */
function window(
  concurrency: AdaptiveConcurrency,
  rttMs: number,
  outcome = { failed: false, queued: true },
): number {
  const size = concurrency.limit;
  for (let i = 0; i < size; i++) concurrency.observe(rttMs, outcome);
  return concurrency.limit;
}

Deno.test("createAdaptiveConcurrency() doubles from 4 while the server answers as fast, up to max", () => {
  const concurrency = createAdaptiveConcurrency({ max: 40 });
  assert.equal(concurrency.limit, 4);
  const limits = [1, 2, 3, 4, 5].map(() => window(concurrency, 20));
  assert.deepEqual(limits, [8, 16, 32, 40, 40]);
});

Deno.test("createAdaptiveConcurrency() halves when the server slows down, then climbs by one", () => {
  const concurrency = createAdaptiveConcurrency({ max: 64 });
  window(concurrency, 20); // 8
  window(concurrency, 20); // 16
  assert.equal(window(concurrency, 50), 8, "a slower window halves");
  assert.equal(window(concurrency, 20), 9, "after slow start: one more");
  assert.equal(window(concurrency, 20), 10);
});

Deno.test("createAdaptiveConcurrency() halves on a failure, never below 1", () => {
  const concurrency = createAdaptiveConcurrency({ max: 64, initial: 2 });
  const failed = { failed: true, queued: true };
  assert.equal(window(concurrency, 20, failed), 1);
  assert.equal(window(concurrency, 20, failed), 1);
});

Deno.test("createAdaptiveConcurrency() does not raise the limit when no request was waiting", () => {
  const concurrency = createAdaptiveConcurrency({ max: 64 });
  assert.equal(window(concurrency, 20, { failed: false, queued: false }), 4);
  assert.equal(window(concurrency, 20), 8);
});

Deno.test("createAdaptiveConcurrency() takes a server that stays slower as its new normal", () => {
  const concurrency = createAdaptiveConcurrency({ max: 64 });
  window(concurrency, 20); // 8, usual 20 ms
  const limits = Array.from({ length: 14 }, () => window(concurrency, 60));
  assert.ok(limits[0]! < 8, `halved at first: ${limits}`);
  assert.ok(limits.at(-1)! > Math.min(...limits), `climbs again: ${limits}`);
});

Deno.test("createAdaptiveConcurrency() keeps a max below 4, and refuses a limit that is not a positive integer", () => {
  assert.equal(createAdaptiveConcurrency({ max: 2 }).limit, 2);
  const one = createAdaptiveConcurrency({ max: 1 });
  window(one, 1);
  assert.equal(one.limit, 1);
  assert.throws(() => createAdaptiveConcurrency({ max: 0 }), RangeError);
  assert.throws(
    () => createAdaptiveConcurrency({ max: 8, initial: 1.5 }),
    /'initial' must be a positive integer/,
  );
});

Deno.test("createAdaptiveConcurrency() takes no jitter of a few milliseconds for a slower server", () => {
  const concurrency = createAdaptiveConcurrency({ max: 64 });
  window(concurrency, 0.4); // 8
  assert.equal(window(concurrency, 1.2), 16, "three times slower, by 0.8 ms");
  assert.equal(window(concurrency, 9), 8, "slower by more than 5 ms");
});

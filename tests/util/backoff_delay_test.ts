import assert from "node:assert/strict";
import { backoffDelay } from "../../src/util/backoff_delay.ts";

Deno.test("backoffDelay() doubles the ceiling on every retry", () => {
  const options = { initialBackoffMs: 500, random: () => 0.5 };
  assert.deepEqual(
    [1, 2, 3, 4].map((retry) => backoffDelay(retry, options)),
    [250, 500, 1000, 2000],
  );
});

Deno.test("backoffDelay() never exceeds maxBackoffMs", () => {
  const options = {
    initialBackoffMs: 500,
    maxBackoffMs: 3000,
    random: () => 0.999999,
  };
  assert.equal(backoffDelay(4, options), 2999);
  assert.equal(backoffDelay(60, options), 2999);
  assert.equal(backoffDelay(2000, options), 2999);
});

Deno.test("backoffDelay() spreads delays over the whole range (full jitter)", () => {
  assert.equal(backoffDelay(3, { random: () => 0 }), 0);
  assert.equal(backoffDelay(3, { random: () => 0.25 }), 500);
});

import assert from "node:assert/strict";
import { createAdaptiveDelay } from "../../src/util/adaptive_delay.ts";

Deno.test("createAdaptiveDelay() starts unthrottled", () => {
  const delay = createAdaptiveDelay();
  assert.equal(delay.currentMs, 0);
  assert.equal(delay.nextWaitMs(), 0);
});

Deno.test("createAdaptiveDelay() doubles on push-back up to the cap and halves on success", () => {
  const delay = createAdaptiveDelay({ minDelayMs: 25, maxDelayMs: 150 });
  const seen: number[] = [];
  for (let i = 0; i < 4; i++) {
    delay.throttled();
    seen.push(delay.currentMs);
  }
  assert.deepEqual(seen, [25, 50, 100, 150]);
  delay.succeeded();
  assert.equal(delay.currentMs, 75);
  delay.succeeded();
  delay.succeeded();
  assert.equal(delay.currentMs, 0);
});

Deno.test("createAdaptiveDelay() jitters each wait over the upper half of the delay", () => {
  let pick = 0;
  const delay = createAdaptiveDelay({ minDelayMs: 100, random: () => pick });
  delay.throttled();
  assert.equal(delay.nextWaitMs(), 50);
  pick = 0.999;
  assert.equal(delay.nextWaitMs(), 100);
});

Deno.test("createAdaptiveDelay() settles near the floor under a steady light push-back", () => {
  // One throttled request then one clean resend per page, as with 10 % of
  // bulk items answered 429: the delay must not climb page after page.
  const delay = createAdaptiveDelay({ minDelayMs: 25 });
  for (let page = 0; page < 100; page++) {
    delay.throttled();
    delay.succeeded();
  }
  assert.ok(delay.currentMs <= 25, `delay ${delay.currentMs}`);
});

Deno.test("createAdaptiveDelay() rejects a floor that is not positive", () => {
  assert.throws(() => createAdaptiveDelay({ minDelayMs: 0 }), RangeError);
  assert.throws(
    () => createAdaptiveDelay({ minDelayMs: 50, maxDelayMs: 10 }),
    RangeError,
  );
});

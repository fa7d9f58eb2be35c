import assert from "node:assert/strict";
import { createSendPacer } from "../../src/util/send_pacer.ts";

Deno.test("createSendPacer() starts without a wait", () => {
  const pacer = createSendPacer();
  assert.equal(pacer.currentMs, 0);
  assert.equal(pacer.nextWaitMs(), 0);
});

Deno.test("createSendPacer() slows a little on a partial refusal: the pause that matches what was taken", () => {
  const pacer = createSendPacer({ minDelayMs: 25 });
  // 100 of 1000 refused in a 90 ms request: 90 × 0.1 / 0.9 = 10 ms.
  pacer.observe({ sent: 1000, refused: 100, durationMs: 90 });
  assert.equal(pacer.currentMs, 10);
  // Half refused: wait as long as the request took.
  pacer.observe({ sent: 10, refused: 5, durationMs: 40 });
  assert.equal(pacer.currentMs, 40);
  // The same partial refusal again does not make it grow.
  pacer.observe({ sent: 10, refused: 5, durationMs: 40 });
  assert.equal(pacer.currentMs, 40);
});

Deno.test("createSendPacer() doubles when nothing was taken, up to the cap, and halves on clean requests", () => {
  const pacer = createSendPacer({ minDelayMs: 25, maxDelayMs: 150 });
  const refusedAll = { sent: 10, refused: 10, durationMs: 1 };
  const clean = { sent: 10, refused: 0, durationMs: 1 };
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    pacer.observe(refusedAll);
    seen.push(pacer.currentMs);
  }
  assert.deepEqual(seen, [25, 50, 100, 150, 150]);
  pacer.observe(clean);
  assert.equal(pacer.currentMs, 75);
  pacer.observe(clean);
  pacer.observe(clean);
  assert.equal(pacer.currentMs, 0);
});

Deno.test("createSendPacer() eases off a long wait gradually when refusals become partial", () => {
  const pacer = createSendPacer({ minDelayMs: 25, maxDelayMs: 1000 });
  for (let i = 0; i < 10; i++) {
    pacer.observe({ sent: 5, refused: 5, durationMs: 1 });
  }
  assert.equal(pacer.currentMs, 1000);
  pacer.observe({ sent: 1000, refused: 10, durationMs: 50 });
  assert.equal(pacer.currentMs, 500);
});

Deno.test("createSendPacer() jitters each wait over the upper half", () => {
  let pick = 0;
  const pacer = createSendPacer({ minDelayMs: 100, random: () => pick });
  pacer.observe({ sent: 1, refused: 1, durationMs: 1 });
  assert.equal(pacer.nextWaitMs(), 50);
  pick = 0.999;
  assert.equal(pacer.nextWaitMs(), 100);
});

Deno.test("createSendPacer() rejects a floor that is not positive", () => {
  assert.throws(() => createSendPacer({ minDelayMs: 0 }), RangeError);
  assert.throws(
    () => createSendPacer({ minDelayMs: 50, maxDelayMs: 10 }),
    RangeError,
  );
});

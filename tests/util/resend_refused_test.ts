import { Random } from "../../src/simulate/_random.ts";
import assert from "node:assert/strict";
import {
  resendRefused,
  type Throttling,
} from "../../src/util/resend_refused.ts";
import { createSendPacer } from "../../src/util/send_pacer.ts";

/** A clock that only moves when the code under test sleeps or "sends". */
function fakeClock() {
  const clock = {
    ms: 0,
    now: () => clock.ms,
    sleep: (ms: number) => {
      clock.ms += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

/** What one request of `n` items costs: a fixed overhead and a cost per item (ms). */
const requestMs = (n: number) => 5 + 0.05 * n;

const PAGES = 69;
const PAGE = Array.from({ length: 1000 }, (_, i) => i);

Deno.test("resendRefused() sends only the refused items again until none is left", async () => {
  const clock = fakeClock();
  const sent: number[][] = [];
  const refusals = [[1, 3, 5], [3], []];
  const attempts = await resendRefused([1, 2, 3, 4, 5], (pending, attempt) => {
    sent.push([...pending]);
    const retry = refusals[attempt - 1]!;
    return Promise.resolve({ retry, throttled: retry.length });
  }, { pacer: createSendPacer(), now: clock.now, sleep: clock.sleep });
  assert.equal(attempts, 3);
  assert.deepEqual(sent, [[1, 2, 3, 4, 5], [1, 3, 5], [3]]);
});

Deno.test("resendRefused() paced by the share refused: 10 % of items 429 on every request costs under twice the fault-free time, and the wait settles", async () => {
  const clock = fakeClock();
  const random = seeded(7);
  const pacer = createSendPacer({ minDelayMs: 25, random });
  const waits: number[] = [];
  let requests = 0;
  let throttledCalls = 0;
  for (let page = 0; page < PAGES; page++) {
    await resendRefused(PAGE, (pending) => {
      requests++;
      clock.ms += requestMs(pending.length);
      // Every item, on every request, refused with probability 0.1.
      const retry = pending.filter(() => random() < 0.1);
      return Promise.resolve({ retry, throttled: retry.length });
    }, {
      pacer,
      now: clock.now,
      sleep: clock.sleep,
      onThrottled: () => throttledCalls++,
    });
    waits.push(pacer.currentMs);
  }
  const faultFree = PAGES * requestMs(PAGE.length);
  assert.ok(
    clock.ms <= 2 * faultFree,
    `${clock.ms.toFixed(0)} ms against ${faultFree} ms fault-free`,
  );
  // The wait never climbs page after page: after the first pages it stays
  // below one request's duration, far from the 10 s ceiling.
  const settled = waits.slice(10);
  assert.ok(
    Math.max(...settled) < requestMs(PAGE.length),
    `waits ${settled.map((w) => w.toFixed(1)).join(" ")}`,
  );
  assert.ok(throttledCalls > 0 && requests < PAGES * 8, `${requests} requests`);
});

Deno.test("resendRefused() paced by the share refused: a sender faster than the service comes down to the rate it accepts", async () => {
  const clock = fakeClock();
  // The service takes 20 items per ms; the sender could send 1000 in 15 ms.
  const capacityPerMs = 20;
  const pacer = createSendPacer({ minDelayMs: 25, random: () => 0.5 });
  let lastStart = -Infinity;
  let sent = 0;
  for (let page = 0; page < PAGES; page++) {
    await resendRefused(PAGE, (pending) => {
      sent += pending.length;
      // What it can absorb is what drained since the previous request began.
      const room = Math.min(
        pending.length,
        Math.floor(capacityPerMs * (clock.ms - lastStart)),
      );
      lastStart = clock.ms;
      clock.ms += 5 + 0.01 * pending.length;
      const retry = pending.slice(room);
      return Promise.resolve({ retry, throttled: retry.length });
    }, { pacer, now: clock.now, sleep: clock.sleep });
  }
  const atCapacity = PAGES * PAGE.length / capacityPerMs;
  assert.ok(
    clock.ms <= 1.5 * atCapacity,
    `${clock.ms.toFixed(0)} ms against ${atCapacity} ms at the service's rate`,
  );
  // Items are sent again only as often as the service's pace requires: a
  // sender that kept going at full speed would send each about 3 times.
  assert.ok(sent <= 2 * PAGES * PAGE.length, `${sent} items sent`);
});

Deno.test("resendRefused() backs off a failure that is not push-back, and tells push-back", async () => {
  const clock = fakeClock();
  const told: Throttling[] = [];
  const slept: number[] = [];
  await resendRefused(["a", "b"], (pending, attempt) => {
    if (attempt === 1) return Promise.resolve({ retry: pending, throttled: 0 });
    if (attempt === 2) {
      return Promise.resolve({ retry: ["b"], throttled: 1 });
    }
    return Promise.resolve({ retry: [], throttled: 0 });
  }, {
    pacer: createSendPacer({ minDelayMs: 25, random: () => 0.5 }),
    initialBackoffMs: 200,
    random: () => 0.5,
    now: clock.now,
    sleep: (ms) => {
      slept.push(ms);
      return clock.sleep(ms);
    },
    onThrottled: (t) => told.push(t),
  });
  // A backoff (half of 200 ms) after the 5xx-like attempt; then the pacer's
  // wait after the push-back (1 of 2 refused in 0 ms: none), and nothing else.
  assert.deepEqual(slept, [100]);
  assert.deepEqual(told, [{ refused: 1, sent: 2, waitMs: 0 }]);
});

/** Numbers in [0, 1) from the simulator's seeded generator: the same on every run. */
function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

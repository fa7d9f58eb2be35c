import assert from "node:assert/strict";
import { pace } from "../../src/util/pace.ts";

/** A clock that only moves when the paced call waits or works. */
function fakeTime() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    advance: (ms: number) => void (now += ms),
    sleep: (ms: number) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("pace() starts each call the interval after the one before ended, and the first at once", async () => {
  const time = fakeTime();
  const starts: number[] = [];
  const paced = pace((work: number) => {
    starts.push(time.now());
    time.advance(work);
    return Promise.resolve(work);
  }, { intervalMs: 1000, now: time.now, sleep: time.sleep });
  assert.equal(await paced(200), 200);
  await paced(300);
  time.advance(400); // time spent elsewhere counts toward the pause
  await paced(0);
  assert.deepEqual(starts, [0, 1200, 2500]);
  assert.deepEqual(time.waits, [1000, 600]);
});

Deno.test("pace() with no interval returns the call itself", () => {
  const call = () => Promise.resolve(1);
  assert.equal(pace(call, { intervalMs: 0 }), call);
});

Deno.test("pace() rejects with the signal's reason instead of calling once stopped during a pause", async () => {
  const time = fakeTime();
  const stop = new AbortController();
  let calls = 0;
  const paced = pace(() => Promise.resolve(++calls), {
    intervalMs: 1000,
    signal: stop.signal,
    now: time.now,
    sleep: (ms) => {
      stop.abort("SIGTERM");
      return time.sleep(ms);
    },
  });
  await paced();
  await assert.rejects(paced(), (error) => error === "SIGTERM");
  assert.equal(calls, 1);
});

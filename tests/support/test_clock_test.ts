import assert from "node:assert/strict";
import { TestClock } from "./test_clock.ts";

Deno.test("TestClock moves only with advance(), and a pause ends once the time passes it or its signal aborts", async () => {
  const start = Temporal.Instant.from("2024-03-01T12:00:00Z");
  const clock = new TestClock(start);
  let ended = false;
  const pause = clock.sleep(30_000).then(() => ended = true);
  assert.equal(await clock.nextPause(), 30_000);
  clock.advance(29_999);
  await Promise.resolve();
  assert.equal(ended, false);
  clock.advance(1);
  await pause;
  assert.equal(clock.now().toString(), "2024-03-01T12:00:30Z");

  const controller = new AbortController();
  const stopped = clock.sleep(60_000, controller.signal);
  controller.abort();
  await stopped;
  assert.deepEqual(clock.pauses, [30_000, 60_000]);
});

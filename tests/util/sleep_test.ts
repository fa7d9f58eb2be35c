import assert from "node:assert/strict";
import { sleep } from "../../src/util/sleep.ts";

Deno.test("sleep() resolves after the time has passed", async () => {
  const started = performance.now();
  await sleep(20);
  assert.ok(performance.now() - started >= 15);
});

Deno.test("sleep() ends early, resolving, when the signal aborts", async () => {
  const controller = new AbortController();
  const waiting = sleep(60_000, { signal: controller.signal });
  controller.abort("SIGTERM");
  await waiting; // would time the test out (and leak the timer) if it did not end
  assert.equal(controller.signal.aborted, true);
});

Deno.test("sleep() does not wait at all on an aborted signal", async () => {
  await sleep(60_000, { signal: AbortSignal.abort() });
});

import assert from "node:assert/strict";
import { type AttemptResult, retry } from "../../src/util/retry.ts";

function scripted<T>(results: AttemptResult<T>[]) {
  const calls: number[] = [];
  return {
    calls,
    attempt: (n: number) => {
      calls.push(n);
      return Promise.resolve(results[n - 1]!);
    },
  };
}

const noSleep = (waits: number[]) => (ms: number) => {
  waits.push(ms);
  return Promise.resolve();
};

Deno.test("retry() returns the first success and waits a full-jitter backoff between attempts", async () => {
  const waits: number[] = [];
  const script = scripted<string>([
    { ok: false, retryable: true, error: new Error("503") },
    { ok: false, retryable: true, error: new Error("503") },
    { ok: true, value: "body" },
  ]);
  const value = await retry(script.attempt, {
    initialBackoffMs: 100,
    random: () => 0.5,
    sleep: noSleep(waits),
  });
  assert.equal(value, "body");
  assert.deepEqual(script.calls, [1, 2, 3]);
  assert.deepEqual(waits, [50, 100]);
});

Deno.test("retry() throws at once for a failure that cannot pass", async () => {
  const waits: number[] = [];
  const script = scripted<string>([
    { ok: false, retryable: false, error: new RangeError("400") },
  ]);
  await assert.rejects(
    retry(script.attempt, { sleep: noSleep(waits) }),
    RangeError,
  );
  assert.deepEqual(script.calls, [1]);
  assert.deepEqual(waits, []);
});

Deno.test("retry() gives up after maxAttempts through giveUp", async () => {
  const script = scripted<string>(
    Array.from({ length: 5 }, () => ({
      ok: false as const,
      retryable: true,
      error: new Error("reset"),
    })),
  );
  await assert.rejects(
    retry(script.attempt, {
      maxAttempts: 3,
      sleep: () => Promise.resolve(),
      giveUp: ({ attempt, error }) =>
        new Error(`after ${attempt} attempts: ${(error as Error).message}`),
    }),
    { message: "after 3 attempts: reset" },
  );
  assert.deepEqual(script.calls, [1, 2, 3]);
});

Deno.test("retry() honours Retry-After, capped at maxBackoffMs", async () => {
  const waits: number[] = [];
  const script = scripted<number>([
    { ok: false, retryable: true, retryAfterMs: 2_000, error: new Error() },
    { ok: false, retryable: true, retryAfterMs: 90_000, error: new Error() },
    { ok: true, value: 1 },
  ]);
  await retry(script.attempt, {
    maxBackoffMs: 10_000,
    sleep: noSleep(waits),
  });
  assert.deepEqual(waits, [2_000, 10_000]);
});

Deno.test("retry() stops waiting when the signal aborts and throws its reason", async () => {
  const controller = new AbortController();
  const script = scripted<number>([
    { ok: false, retryable: true, error: new Error() },
    { ok: true, value: 1 },
  ]);
  await assert.rejects(
    retry(script.attempt, {
      signal: controller.signal,
      sleep: () => {
        controller.abort("SIGTERM");
        return Promise.resolve();
      },
    }),
    (reason) => reason === "SIGTERM",
  );
  assert.deepEqual(script.calls, [1]);
});

Deno.test("retry() rejects a maxAttempts that is not a positive integer", async () => {
  await assert.rejects(
    retry(() => Promise.resolve({ ok: true, value: 1 }), { maxAttempts: 0 }),
    RangeError,
  );
});

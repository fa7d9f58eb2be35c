import assert from "node:assert/strict";
import { decideRetry } from "../../src/opencast/retry_decision.ts";

const base = { random: () => 0.5, initialBackoffMs: 500, maxBackoffMs: 30_000 };

Deno.test("decideRetry() retries timeouts, network errors, 429 and 5xx with backoff", () => {
  for (
    const outcome of [
      { kind: "timeout" },
      { kind: "network", message: "connection reset" },
      { kind: "status", status: 429 },
      { kind: "status", status: 500 },
      { kind: "status", status: 503 },
    ] as const
  ) {
    assert.deepEqual(decideRetry(outcome, { ...base, attempt: 2 }), {
      retry: true,
      delayMs: 500,
    });
  }
});

Deno.test("decideRetry() gives up at once on a 4xx and on 501", () => {
  for (const status of [400, 401, 404, 410, 501]) {
    assert.deepEqual(
      decideRetry({ kind: "status", status }, { ...base, attempt: 1 }),
      { retry: false, reason: "permanent" },
    );
  }
});

Deno.test("decideRetry() gives up when the attempts are used up", () => {
  assert.deepEqual(
    decideRetry({ kind: "timeout" }, { ...base, attempt: 5, maxAttempts: 5 }),
    { retry: false, reason: "exhausted" },
  );
  assert.equal(
    decideRetry({ kind: "timeout" }, { ...base, attempt: 4, maxAttempts: 5 })
      .retry,
    true,
  );
});

Deno.test("decideRetry() honours Retry-After in seconds and as an HTTP date", () => {
  const now = Date.parse("2024-03-02T10:00:00Z");
  assert.deepEqual(
    decideRetry(
      { kind: "status", status: 503, retryAfter: "7" },
      { ...base, attempt: 1, now },
    ),
    { retry: true, delayMs: 7000 },
  );
  assert.deepEqual(
    decideRetry(
      {
        kind: "status",
        status: 429,
        retryAfter: "Sat, 02 Mar 2024 10:00:12 GMT",
      },
      { ...base, attempt: 1, now },
    ),
    { retry: true, delayMs: 12_000 },
  );
});

Deno.test("decideRetry() caps Retry-After at maxBackoffMs and ignores a garbled one", () => {
  assert.deepEqual(
    decideRetry(
      { kind: "status", status: 503, retryAfter: "3600" },
      { ...base, attempt: 1, maxBackoffMs: 5000 },
    ),
    { retry: true, delayMs: 5000 },
  );
  assert.deepEqual(
    decideRetry(
      { kind: "status", status: 503, retryAfter: "soon-ish 1.5" },
      { ...base, attempt: 1 },
    ),
    { retry: true, delayMs: 250 },
  );
});

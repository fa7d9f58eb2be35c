import assert from "node:assert/strict";
import { classifyAttempt } from "../../src/http/retry_decision.ts";

Deno.test("classifyAttempt() retries timeouts, network errors, 408, 429 and 5xx", () => {
  for (
    const outcome of [
      { kind: "timeout" },
      { kind: "network", message: "connection reset" },
      { kind: "status", status: 408 },
      { kind: "status", status: 429 },
      { kind: "status", status: 500 },
      { kind: "status", status: 503 },
    ] as const
  ) {
    assert.deepEqual(classifyAttempt(outcome), { retryable: true });
  }
});

Deno.test("classifyAttempt() gives up at once on a 4xx and on 501", () => {
  for (const status of [400, 401, 404, 410, 501]) {
    assert.deepEqual(classifyAttempt({ kind: "status", status }), {
      retryable: false,
    });
  }
});

Deno.test("classifyAttempt() reads Retry-After in seconds and as an HTTP date", () => {
  const now = Date.parse("2024-03-02T10:00:00Z");
  assert.deepEqual(
    classifyAttempt({ kind: "status", status: 503, retryAfter: "7" }, now),
    { retryable: true, retryAfterMs: 7000 },
  );
  assert.deepEqual(
    classifyAttempt({
      kind: "status",
      status: 429,
      retryAfter: "Sat, 02 Mar 2024 10:00:12 GMT",
    }, now),
    { retryable: true, retryAfterMs: 12_000 },
  );
});

Deno.test("classifyAttempt() ignores a garbled Retry-After", () => {
  assert.deepEqual(
    classifyAttempt({
      kind: "status",
      status: 503,
      retryAfter: "soon-ish 1.5",
    }),
    { retryable: true },
  );
});

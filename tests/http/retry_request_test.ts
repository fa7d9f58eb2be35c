/**
 * retryRequest(): the core the Opencast and Matomo clients share, driven by
 * scripted attempts (what a `fetch` returns or throws); the clients' own
 * suites cover it again over loopback HTTP and a private CA.
 */
import assert from "node:assert/strict";
import { AuthenticationError, UnreachableError } from "../../src/errors.ts";
import {
  type AcceptedAnswer,
  type FailedRequest,
  type RetriedRequest,
  retryRequest,
  type RetryRequestOptions,
  type StatusOutcome,
} from "../../src/http/retry_request.ts";

type Status = StatusOutcome & { readonly body: string };
type Step = AcceptedAnswer<string> | Status | Error | "hang";

/** Runs `steps` as the attempts, recording the hooks' calls and the waits. */
async function run(
  steps: Step[],
  options: Partial<RetryRequestOptions<Status>> = {},
) {
  const retries: RetriedRequest<Status>[] = [];
  const waits: number[] = [];
  let attempts = 0;
  const result = await retryRequest<string, Status>((signal) => {
    const step = steps[attempts++]!;
    if (step === "hang") {
      // A server that never answers: only the attempt's signal ends it.
      return new Promise((_, reject) =>
        signal.addEventListener("abort", () => reject(signal.reason))
      );
    }
    return step instanceof Error ? Promise.reject(step) : Promise.resolve(step);
  }, {
    timeoutMs: 20,
    server: "Example at example.edu",
    maxAttempts: 3,
    initialBackoffMs: 100,
    random: () => 0.5,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    onRetry: (failed) => void retries.push(failed),
    giveUp: ({ attempt, cause }) =>
      new UnreachableError(`gave up after ${attempt}: last ${cause}`),
    ...options,
  }).then(
    (value): { value?: string; error?: unknown } => ({ value }),
    (error: unknown): { value?: string; error?: unknown } => ({ error }),
  );
  return { ...result, attempts, retries, waits };
}

/** A rejected fetch as Deno gives it: the reason in the cause chain. */
function fetchFailed(inner: string): TypeError {
  return new TypeError("fetch failed", { cause: new Error(inner) });
}

const ok: AcceptedAnswer<string> = { kind: "json", value: "answer" };

Deno.test("retryRequest() retries a 503, a refused connection and a timeout, naming each cause, then returns the answer", async () => {
  const result = await run([
    { kind: "status", status: 503, body: "busy" },
    fetchFailed("tcp connect error: Connection refused (os error 111)"),
    "hang",
    ok,
  ], { maxAttempts: 4 });
  assert.equal(result.value, "answer");
  assert.equal(result.attempts, 4);
  assert.deepEqual(result.retries.map((r) => [r.attempt, r.cause]), [
    [1, "HTTP 503"],
    [
      2,
      "network error: connection refused (tcp connect error: Connection refused (os error 111))",
    ],
    [3, "timeout after 20 ms"],
  ]);
  assert.deepEqual(result.retries.map((r) => r.outcome.kind), [
    "status",
    "network",
    "timeout",
  ]);
  assert.deepEqual(result.waits, [50, 100, 200]);
  // What every client's retry warning carries as structured properties.
  assert.deepEqual(result.retries[1]!.properties, {
    cause:
      "network error: connection refused (tcp connect error: Connection refused (os error 111))",
    status: "network",
    error:
      "connection refused (tcp connect error: Connection refused (os error 111))",
    attempt: 2,
    maxAttempts: 4,
    delayMs: 100,
  });
  assert.equal(result.retries[0]!.properties.status, 503);
});

Deno.test("retryRequest() hands the client's own status outcome to giveUp, and gives up at once on a 404", async () => {
  let seen: FailedRequest<Status> | undefined;
  const result = await run([{ kind: "status", status: 404, body: "gone" }], {
    giveUp: (failed) => {
      seen = failed;
      return new RangeError("not found");
    },
  });
  assert.ok(result.error instanceof RangeError);
  assert.equal(result.attempts, 1);
  assert.equal(seen?.retryable, false);
  assert.equal(seen?.outcome.kind === "status" && seen.outcome.body, "gone");
});

Deno.test("retryRequest() waits what Retry-After asks, capped at maxBackoffMs", async () => {
  const result = await run([
    { kind: "status", status: 429, retryAfter: "2", body: "" },
    { kind: "status", status: 503, retryAfter: "600", body: "" },
    ok,
  ], { maxBackoffMs: 5000 });
  assert.equal(result.value, "answer");
  assert.deepEqual(result.waits, [2000, 5000]);
});

Deno.test("retryRequest() names the last cause once the attempts run out", async () => {
  const result = await run(["hang", "hang", "hang"]);
  assert.ok(result.error instanceof UnreachableError);
  assert.equal(
    (result.error as Error).message,
    "gave up after 3: last timeout after 20 ms",
  );
  assert.equal(result.retries.length, 2);
});

Deno.test("retryRequest() does not retry an untrusted certificate: one line naming the server and the setting", async () => {
  const result = await run([
    fetchFailed("invalid peer certificate: UnknownIssuer"),
    ok,
  ]);
  assert.ok(result.error instanceof UnreachableError);
  assert.match(
    (result.error as Error).message,
    /^Example at example\.edu presented a TLS certificate this machine does not trust \(invalid peer certificate: UnknownIssuer\): .*UA_HARVEST_CA_CERT.*; not retried$/,
  );
  assert.equal(result.attempts, 1);
  assert.deepEqual(result.retries, []);
});

Deno.test("retryRequest() lets the client's own errors through, unretried", async () => {
  const refused = new AuthenticationError("refused");
  const result = await run([refused, ok]);
  assert.equal(result.error, refused);
  assert.equal(result.attempts, 1);
});

Deno.test("retryRequest() ends with the signal's reason when the run stops during an attempt", async () => {
  const controller = new AbortController();
  const reason = new Error("stopped by SIGTERM");
  setTimeout(() => controller.abort(reason), 5);
  const result = await run(["hang", ok], {
    timeoutMs: 10_000,
    signal: controller.signal,
  });
  assert.equal(result.error, reason);
  assert.equal(result.attempts, 1);
  assert.deepEqual(result.retries, []);
});

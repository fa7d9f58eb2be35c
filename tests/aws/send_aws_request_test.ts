import assert from "node:assert/strict";
import { sendAwsRequest } from "../../src/aws/send_aws_request.ts";
import { AwsResponseError } from "../../src/aws/aws_response_error.ts";
import { AwsNetworkError } from "../../src/aws/aws_network_error.ts";
import { classifyAwsError } from "../../src/aws/classify_aws_error.ts";

const REQUEST = {
  method: "GET",
  url: new URL("http://127.0.0.1:9000/harvest-ts/k"),
  headers: {},
} as const;

/** A fetch answering a body streamed in `chunks` chunks of 1 KiB, without a length. */
function streamingFetch(chunks: number) {
  const sent = { chunks: 0, cancelled: false };
  const fetch = () =>
    Promise.resolve(
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent.chunks === chunks) return controller.close();
            sent.chunks++;
            controller.enqueue(new Uint8Array(1024).fill(120));
          },
          cancel() {
            sent.cancelled = true;
          },
        }),
      ),
    );
  return { fetch, sent };
}

Deno.test("sendAwsRequest() stops reading an answer once it passes maxBodyBytes, and the error is not retried", async () => {
  const huge = streamingFetch(1_000_000);
  await assert.rejects(
    sendAwsRequest(REQUEST, {
      timeoutMs: 5000,
      fetch: huge.fetch,
      maxBodyBytes: 8 * 1024,
    }),
    (error: unknown) => {
      assert.ok(error instanceof AwsResponseError, String(error));
      assert.equal(error.code, "ResponseTooLarge");
      assert.equal(error.message, "larger than 8 KiB");
      assert.equal(classifyAwsError(error).retryable, false);
      return true;
    },
  );
  assert.ok(huge.sent.chunks < 20, `${huge.sent.chunks} chunks read`);
  assert.ok(huge.sent.cancelled);
  const small = streamingFetch(8);
  const answer = await sendAwsRequest(REQUEST, {
    timeoutMs: 5000,
    fetch: small.fetch,
    maxBodyBytes: 8 * 1024,
  });
  assert.equal(answer.body, "x".repeat(8 * 1024));
});

/** A fetch that never answers: it rejects only when its signal aborts. */
function silentFetch(_input: URL | RequestInfo, init?: RequestInit) {
  return new Promise<Response>((_resolve, reject) => {
    init?.signal?.addEventListener(
      "abort",
      () => reject(init.signal!.reason),
      { once: true },
    );
  });
}

Deno.test("sendAwsRequest() names its deadline when no answer comes, and gives up with the caller's reason when it stops", async () => {
  await assert.rejects(
    sendAwsRequest(REQUEST, { timeoutMs: 20, fetch: silentFetch }),
    (error: unknown) => {
      assert.ok(error instanceof AwsNetworkError, String(error));
      assert.equal(error.code, "TimeoutError");
      assert.equal(error.message, "no answer within 20 ms");
      return true;
    },
  );
  const stop = new AbortController();
  const reason = new Error("run ended");
  const sent = sendAwsRequest(REQUEST, {
    timeoutMs: 5000,
    fetch: silentFetch,
    signal: stop.signal,
  });
  stop.abort(reason);
  await assert.rejects(sent, (error) => error === reason);
});

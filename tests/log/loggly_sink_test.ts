import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { getLogglySink } from "../../src/log/loggly_sink.ts";

function record(message: string): LogRecord {
  return {
    category: ["ua-harvest", "test"],
    level: "info",
    message: [message],
    rawMessage: message,
    timestamp: Date.now(),
    properties: { count: 3 },
  };
}

Deno.test("getLogglySink() sends batches to the bulk endpoint with the tags and flushes on dispose", async () => {
  const requests: { url: string; body: string }[] = [];
  const fetchStub: typeof fetch = (input, init) => {
    requests.push({ url: String(input), body: String(init?.body) });
    return Promise.resolve(new Response("ok"));
  };
  const sink = getLogglySink({
    token: "tok123",
    tags: ["prod", "ua"],
    endpoint: "http://loggly.test",
    batchSize: 2,
    fetch: fetchStub,
  });
  sink(record("one"));
  sink(record("two"));
  sink(record("three"));
  await sink[Symbol.asyncDispose]();
  assert.equal(requests.length, 2);
  assert.equal(
    requests[0]!.url,
    "http://loggly.test/bulk/tok123/tag/ua-harvest,prod,ua/",
  );
  const lines = requests[0]!.body.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => l.message), ["one", "two"]);
  assert.equal(JSON.parse(requests[1]!.body).message, "three");
});

Deno.test("getLogglySink() never throws and stops waiting when Loggly hangs", async () => {
  const fetchStub: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener(
        "abort",
        () => reject(init.signal!.reason),
      );
    });
  const sink = getLogglySink({
    token: "t",
    endpoint: "http://loggly.test",
    timeoutMs: 50,
    fetch: fetchStub,
  });
  sink(record("lost"));
  const started = performance.now();
  await sink[Symbol.asyncDispose]();
  assert.ok(
    performance.now() - started < 5_000,
    "the flush is bounded by the timeout",
  );
});

/**
 * readStatus() against services that misbehave: it reads only, and never
 * waits longer than its deadlines.
 */
import assert from "node:assert/strict";
import { readStatus } from "../../src/status/read_status.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { startSilentServer } from "../support/silent_server.ts";
import { loopbackAws } from "../support/loopback_aws.ts";

Deno.test("readStatus() gives a Redis that freezes after the login its deadline per command, the goodbye included", async () => {
  await using s3 = await startS3Fake();
  s3.createBucket("harvest-state");
  // A Redis that answers the login, then nothing (a host that froze).
  await using redis = startSilentServer({ firstAnswer: "+PONG\r\n" });
  const started = performance.now();
  const report = await readStatus({
    state: {
      checkpoint: { kind: "s3", bucket: "harvest-state", key: "last" },
      lockFile: "/nonexistent/ua-harvest/s3-harvest-state-last.lock",
      redisUrl: `redis://127.0.0.1:${redis.port}`,
    },
    aws: loopbackAws(s3.url),
    zone: "UTC",
    redisTimeoutMs: 200,
  });
  const ms = performance.now() - started;
  const lock = report.locks.find((l) => l.kind === "redis");
  assert.equal(lock?.state, "unknown");
  assert.match(String(lock?.error), /no answer within 200 ms/);
  // The lock read and the QUIT each get the 200 ms, not the harvest's 5 s.
  assert.ok(ms < 2000, `took ${Math.round(ms)} ms`);
});

Deno.test("readStatus() gives a frozen S3 its own short deadline per request and reports the checkpoint unreadable", async () => {
  await using s3 = startSilentServer();
  const report = await readStatus({
    state: {
      checkpoint: { kind: "s3", bucket: "harvest-state", key: "last" },
      lockFile: "/nonexistent/ua-harvest/s3-harvest-state-last.lock",
    },
    aws: loopbackAws(s3.url),
    zone: "UTC",
    s3TimeoutMs: 100,
  });
  assert.equal(report.checkpoint.state, "unreadable");
  assert.match(String(report.checkpoint.error), /100 ms/);
});

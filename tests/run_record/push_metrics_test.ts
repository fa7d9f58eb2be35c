import assert from "node:assert/strict";
import { Gauge, Registry } from "prom-client";
import { pushMetrics } from "../../src/run_record/push_metrics.ts";
import { startPushgatewayFake } from "../support/pushgateway_fake.ts";
import { parsePrometheusText } from "../support/parse_prometheus_text.ts";

function registry(): Registry {
  const r = new Registry();
  new Gauge({
    name: "ua_harvest_test_seconds",
    help: "A test.",
    registers: [r],
  })
    .set(2.5);
  return r;
}

Deno.test("pushMetrics() POSTs the text format under job ua_harvest and the command", async () => {
  await using gateway = await startPushgatewayFake();
  await pushMetrics({
    url: gateway.url,
    registry: registry(),
    command: "harvest",
  });
  assert.equal(gateway.pushes.length, 1);
  const [push] = gateway.pushes;
  assert.equal(push!.method, "POST");
  assert.equal(push!.path, "/metrics/job/ua_harvest/command/harvest");
  assert.equal(
    parsePrometheusText(push!.body).get("ua_harvest_test_seconds")?.samples[0]
      ?.value,
    2.5,
  );
});

Deno.test("pushMetrics() rejects when the gateway refuses", async () => {
  await using gateway = await startPushgatewayFake({ status: 400 });
  await assert.rejects(
    pushMetrics({ url: gateway.url, registry: registry(), command: "harvest" }),
    /400/,
  );
});

Deno.test("pushMetrics() gives up at its deadline when the gateway does not answer", async () => {
  await using gateway = await startPushgatewayFake({ hang: true });
  const started = performance.now();
  await assert.rejects(
    pushMetrics({
      url: gateway.url,
      registry: registry(),
      command: "harvest",
      timeoutMs: 300,
    }),
  );
  assert.ok(performance.now() - started < 3000);
});

/**
 * One CA setting for every https connection (issue 21, item 3): with
 * `UA_HARVEST_CA_CERT` naming a private CA made by openssl at test time, a
 * harvest reaches Opencast, S3, SQS, Elasticsearch, the Pushgateway and
 * Loggly over https, each a loopback fake behind an https proxy with a
 * certificate that CA signed; without the setting, the untrusted certificate
 * ends the run at once with one line naming the host, the reason and the
 * setting. The CLI runs in process (`runMain`); the CA and the server
 * certificate are P-256 keys, quick to make.
 */
import assert from "node:assert/strict";
import { assertOneErrorLine, errorLines } from "../support/error_lines.ts";
import {
  BUCKET,
  type Fixture,
  KEY,
  openFixture,
  S3_CHECKPOINT,
} from "./_delivery_fixture.ts";
import {
  createPrivateCa,
  HAS_OPENSSL,
  type PrivateCa,
  startTlsProxy,
} from "../support/private_ca.ts";
import { startPushgatewayFake } from "../support/pushgateway_fake.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";

/** A loopback Loggly bulk endpoint that keeps what it was sent. */
function startLogCollector() {
  const bodies: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      bodies.push(await request.text());
      return new Response("{}");
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    bodies,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/**
 * A test that needs openssl: a fixture of `actions` over a minute, and a
 * private CA made in its directory.
 */
function caTest(
  name: string,
  actions: number,
  fn: (f: Fixture, ca: PrivateCa) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !HAS_OPENSSL,
    async fn() {
      await using f = await openFixture({ actions, spanSeconds: 60 });
      await fn(f, await createPrivateCa(f.dir));
    },
  });
}

caTest(
  "harvest with UA_HARVEST_CA_CERT reaches Opencast, S3, SQS, the Pushgateway and Loggly over https with a private CA; without it, one line and no retry",
  300,
  async (f, ca) => {
    await using pushgateway = await startPushgatewayFake();
    await using loggly = startLogCollector();
    await using engage = startTlsProxy(f.sim.url, ca);
    await using s3 = startTlsProxy(f.s3.url, ca);
    await using sqs = startTlsProxy(f.sqs.url, ca);
    await using push = startTlsProxy(pushgateway.url, ca);
    await using logs = startTlsProxy(loggly.url, ca);
    // The engage node behind https: the later -H wins.
    const args = f.queueArgs("-H", engage.url, "--metrics-push", push.url);
    const env = {
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      ...S3_CHECKPOINT,
      LOGGLY_TOKEN: "test-token",
      LOGGLY_URL: logs.url,
    };

    // Without the CA: the engage node's certificate is refused at once (a
    // local checkpoint, so Opencast is the first https connection).
    const refused = await f.run(args, {
      AWS_ENDPOINT_URL_SQS: sqs.url,
      LOGGLY_TOKEN: "test-token",
      LOGGLY_URL: logs.url,
    });
    assertOneErrorLine(
      refused,
      4,
      /Opencast engage host 127\.0\.0\.1:\d+ presented a TLS certificate this machine does not trust \(.*(UnknownIssuer|certificate).*\): if it is signed by a private CA, set UA_HARVEST_CA_CERT \(or --ca-cert\) to that CA's PEM bundle; not retried/,
    );
    assert.doesNotMatch(refused.stderr, /retrying/);
    assert.equal(engage.requests, 0, "no request got through the handshake");
    // S3 comes first with an S3 checkpoint: its line names the setting too.
    const s3Refused = await f.run(args, env);
    assert.equal(s3Refused.code, 4, s3Refused.stderr);
    assert.match(
      errorLines(s3Refused.stderr)[0]!,
      /S3 \(endpoint https:\/\/127\.0\.0\.1:\d+.*\) presented a TLS certificate this machine does not trust \(.*\): if it is signed by a private CA, set UA_HARVEST_CA_CERT \(or --ca-cert\)/,
    );

    // With it: every connection trusts the private CA.
    const trusted = await f.run(args, {
      ...env,
      UA_HARVEST_CA_CERT: ca.caPath,
    });
    assert.equal(trusted.code, 0, trusted.stderr);
    const counted = f.queuedTally();
    assert.deepEqual(counted.missing, []);
    assert.equal(counted.duplicates, 0);
    assert.ok(f.s3.text(BUCKET, KEY), "checkpoint saved over https");
    assert.ok(s3.requests > 0 && sqs.requests > 0 && engage.requests > 0);
    assert.equal(pushgateway.pushes.length, 1, "metrics pushed over https");
    assert.ok(
      loggly.bodies.some((body) => body.includes("Harvest done")),
      "logs sent to Loggly over https",
    );
  },
);

caTest(
  "harvest --output es with --ca-cert indexes into an https Elasticsearch behind a private CA (ELASTICSEARCH_CA_CERT unset)",
  150,
  async (f, ca) => {
    await using es = startElasticsearchFake({
      tls: { cert: ca.cert, key: ca.key },
    });
    const args = f.harvestArgs(
      "--output",
      "es",
      "--es_host",
      es.url,
      "-i",
      "5",
    );
    const untrusted = await f.run([...args, "--es-timeout", "2"]);
    assert.equal(untrusted.code, 4, untrusted.stderr);
    assert.match(untrusted.stderr, /UA_HARVEST_CA_CERT \(or --ca-cert\)/);
    const result = await f.run([...args, "--ca-cert", ca.caPath]);
    assert.equal(result.code, 0, result.stderr);
    const indexed = es.indices().reduce(
      (sum, index) => sum + es.documents(index).size,
      0,
    );
    assert.equal(indexed, f.sim.actions().length);
  },
);

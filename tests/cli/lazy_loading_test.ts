/**
 * A harvest to stdout loads none of the big clients it does not use (issue
 * 9): the AWS SDK, the Elasticsearch client and prom-client are imported
 * only by the parts that need them, and ioredis by none; a harvest to SQS with
 * an S3 checkpoint loads no AWS SDK at all (issue 22: S3 and SQS go over
 * `fetch`, Redis is spoken by `src/redis/`). Checked from inside a real CLI
 * run: every script V8 parsed is listed through the inspector.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../support/run_cli.ts";
import { simulator } from "../support/simulator.ts";
import { startSqsFake } from "../support/sqs_fake.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { startRedisWithClient } from "../support/redis_client.ts";
import { withTempDir } from "../support/temp_dir.ts";

const PRELOAD = fileURLToPath(
  new URL("../support/_loaded_modules_preload.ts", import.meta.url),
);

async function loadedModules(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string; urls: string[] }> {
  return await withTempDir(async (dir) => {
    const list = join(dir, "modules.txt");
    const run = await runCli(args, {
      cwd: dir,
      env: { UA_HARVEST_LOADED_MODULES: list, ...env },
      // The inspector is outside the binary's permissions: the test adds it.
      denoFlags: ["--allow-sys", "--preload", PRELOAD],
    });
    const urls = (await Deno.readTextFile(list)).split("\n");
    return { code: run.code, stderr: run.stderr, urls };
  });
}

/**
 * The scripts a harvest to SQS loads when its AWS credentials come from the
 * shared config file `config` (the text), with no credentials file.
 */
async function loadedModulesWithProfile(
  config: string,
): Promise<{ code: number; stderr: string; urls: string[] }> {
  await using sim = await simulator({ actions: 5, spanSeconds: 60 });
  await using sqs = await startSqsFake({ queues: ["actions"] });
  return await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "config"), config);
    return await loadedModules(
      harvestArgs(sim.url, "-o", "sqs", "-q", "actions"),
      {
        AWS_CONFIG_FILE: join(dir, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_SQS: sqs.url,
      },
    );
  });
}

/** A harvest of the last five minutes of the simulator at `url`. */
function harvestArgs(url: string, ...output: string[]): string[] {
  return [
    "harvest",
    "-H",
    url,
    "--server-timezone",
    "UTC",
    ...output,
    "-s",
    Temporal.Now.instant().subtract({ minutes: 5 }).toString(),
    "--no-progress",
  ];
}

const HEAVY = ["@aws-sdk/", "@smithy/", "ioredis", "@elastic/", "prom-client"];

Deno.test("harvest to stdout loads neither the AWS SDK nor ioredis, the Elasticsearch client or prom-client", async () => {
  await using sim = await simulator({ actions: 50, spanSeconds: 60 });
  const { code, stderr, urls } = await loadedModules(
    harvestArgs(sim.url, "-o", "-"),
  );
  assert.equal(code, 0, stderr);
  assert.ok(
    urls.some((url) => url.includes("commander")),
    "the list holds the packages that were loaded",
  );
  const heavy = urls.filter((url) => HEAVY.some((name) => url.includes(name)));
  assert.deepEqual(heavy, []);
});

Deno.test("harvest to SQS with an S3 checkpoint loads no AWS SDK script: S3 and SQS go over fetch", async () => {
  await using sim = await simulator({ actions: 5, spanSeconds: 60 });
  await using sqs = await startSqsFake({ queues: ["actions"] });
  await using s3 = await startS3Fake();
  const { code, stderr, urls } = await loadedModules(
    harvestArgs(sim.url, "-o", "sqs", "-q", "actions"),
    {
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "fake-secret-key",
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_S3: s3.url,
      S3_FORCE_PATH_STYLE: "true",
      S3_HARVEST_TS_BUCKET: "harvest-ts",
      S3_LAST_ACTION_TS_KEY: "last-action-ts",
    },
  );
  assert.equal(code, 0, stderr);
  // The run found the queue, made the bucket and read the checkpoint.
  assert.equal(sqs.requests.GetQueueUrl, 1);
  assert.ok(s3.buckets.has("harvest-ts"));
  assert.equal(s3.requests.GetObject, 1);
  assert.ok(
    urls.some((url) => url.includes("aws4fetch")),
    "the requests were signed by aws4fetch",
  );
  const sdk = urls.filter((url) =>
    url.includes("@aws-sdk/") || url.includes("@smithy/")
  );
  assert.deepEqual(sdk, []);
});

Deno.test("a profile that needs the SDK's credential chain loads it (the check above can see the SDK)", async () => {
  // An SSO profile with no SSO login cached: the SDK's chain is loaded to
  // read it, and the run stops there, without a request. (Not a
  // credential_process: the binary cannot start programs, so that is
  // refused before the SDK is loaded.)
  const { code, urls } = await loadedModulesWithProfile(
    "[default]\nsso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = harvester\n",
  );
  assert.notEqual(code, 0);
  assert.ok(
    urls.some((url) => url.includes("@aws-sdk/credential-provider-node")),
  );
});

Deno.test("a credential_process profile, which the binary cannot run, stops with a line saying so and loads no SDK", async () => {
  const { code, stderr, urls } = await loadedModulesWithProfile(
    "[default]\ncredential_process = true\n",
  );
  assert.equal(code, 3, stderr);
  assert.match(
    stderr,
    /The AWS profile 'default' gets its credentials from credential_process, which ua-harvest cannot start: it has no permission to run programs/,
  );
  assert.ok(
    !urls.some((url) => url.includes("@aws-sdk/credential-provider-node")),
  );
});

Deno.test("harvest with REDIS_URL speaks Redis through src/redis/ and loads no ioredis script", async () => {
  await using redis = await startRedisWithClient();
  await using sim = await simulator({
    actions: 20,
    spanSeconds: 60,
    // As harvestArgs() says (--server-timezone UTC), so the window holds them.
    timezone: "UTC",
  });
  const { code, stderr, urls } = await loadedModules(
    harvestArgs(sim.url, "-o", "-"),
    { REDIS_URL: redis.server.url },
  );
  assert.equal(code, 0, stderr);
  assert.ok(
    urls.some((url) => url.endsWith("/src/redis/redis_client.ts")),
    "the native client was loaded",
  );
  assert.deepEqual(urls.filter((url) => url.includes("ioredis")), []);
  // The run did use Redis: its episodes are cached there.
  const cached = await redis.client.send(["KEYS", "ua-harvest:episode:*"]);
  assert.ok(Array.isArray(cached) && cached.length > 0, stderr);
  assert.match(stderr, /Harvest done: 20 actions/);
});

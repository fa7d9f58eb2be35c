/**
 * A harvest to stdout loads none of the big clients it does not use (issue
 * 9): the AWS SDK, the Elasticsearch client and prom-client are imported
 * only by the parts that need them, and ioredis by none (issue 22: Redis is
 * spoken by `src/redis/`). Checked from inside a real CLI run: every script
 * V8 parsed is listed through the inspector.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSimulator } from "../../src/simulate/start_simulator.ts";
import { runCli } from "../support/run_cli.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { connectRedis } from "../../src/redis/connect_redis.ts";

const PRELOAD = fileURLToPath(
  new URL("../support/_loaded_modules_preload.ts", import.meta.url),
);

async function loadedModules(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string; urls: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-lazy-" });
  const list = join(dir, "modules.txt");
  const run = await runCli(args, {
    cwd: dir,
    env: { UA_HARVEST_LOADED_MODULES: list, ...env },
    // The inspector is outside the binary's permissions: the test adds it.
    denoFlags: ["--allow-sys", "--preload", PRELOAD],
  });
  const urls = (await Deno.readTextFile(list)).split("\n");
  await Deno.remove(dir, { recursive: true });
  return { code: run.code, stderr: run.stderr, urls };
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
  await using sim = await startSimulator({
    port: 0,
    actions: 50,
    spanSeconds: 60,
    quiet: true,
  });
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

Deno.test("harvest to SQS does load the AWS SDK (the check above can see it)", async () => {
  await using sim = await startSimulator({
    port: 0,
    actions: 5,
    spanSeconds: 60,
    quiet: true,
  });
  const { urls } = await loadedModules(
    harvestArgs(
      sim.url,
      "-o",
      "sqs",
      "-q",
      "no-such-queue",
      "--sqs-timeout",
      "1",
    ),
    {
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      // Nothing listens here: the run fails, after loading the SDK.
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9",
    },
  );
  assert.ok(urls.some((url) => url.includes("@aws-sdk/client-sqs")));
});

Deno.test("harvest with REDIS_URL speaks Redis through src/redis/ and loads no ioredis script", async () => {
  await using redis = await startRedisServer();
  await using sim = await startSimulator({
    port: 0,
    actions: 20,
    spanSeconds: 60,
    // As harvestArgs() says (--server-timezone UTC), so the window holds them.
    timezone: "UTC",
    quiet: true,
  });
  const { code, stderr, urls } = await loadedModules(
    harvestArgs(sim.url, "-o", "-"),
    { REDIS_URL: redis.url },
  );
  assert.equal(code, 0, stderr);
  assert.ok(
    urls.some((url) => url.endsWith("/src/redis/redis_client.ts")),
    "the native client was loaded",
  );
  assert.deepEqual(urls.filter((url) => url.includes("ioredis")), []);
  // The run did use Redis: its episodes are cached there.
  await using client = await connectRedis({ url: redis.url });
  const cached = await client.send(["KEYS", "ua-harvest:episode:*"]);
  assert.ok(Array.isArray(cached) && cached.length > 0, stderr);
  assert.match(stderr, /Harvest done: 20 actions/);
});

/**
 * A harvest to stdout loads none of the big clients it does not use (issue
 * 9): the AWS SDK, ioredis, the Elasticsearch client and prom-client are
 * imported only by the parts that need them. Checked from inside a real CLI
 * run: every script V8 parsed is listed through the inspector.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../support/run_cli.ts";
import { simulator } from "../support/simulator.ts";

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

Deno.test("harvest to SQS does load the AWS SDK (the check above can see it)", async () => {
  await using sim = await simulator({ actions: 5, spanSeconds: 60 });
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
      AWS_SECRET_ACCESS_KEY: "fake-secret-key",
      AWS_REGION: "us-east-1",
      // Nothing listens here: the run fails, after loading the SDK.
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:9",
    },
  );
  assert.ok(urls.some((url) => url.includes("@aws-sdk/client-sqs")));
});

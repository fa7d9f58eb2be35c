/**
 * No secret in any output, whatever the input (issue 21, item 4): for any
 * URL-ish string holding a known password, given as any URL setting (its
 * variable or its flag), the password appears in nothing the tool prints
 * (stdout, stderr) and in no file it writes (checkpoint, last-run record,
 * lock, cache, output, metrics). The CLI runs in process through `runMain()`
 * with an environment of its own, against a small simulator, so each case
 * takes a few milliseconds; services the settings point at refuse the
 * connection at once.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { runMain } from "../support/run_main.ts";
import {
  type Simulator,
  startSimulator,
} from "../../src/simulate/start_simulator.ts";

/**
 * A password: one a URL can hold as it is, or anything printable but quotes
 * and `\` (`@`, `/`, `?`, `#`, `:` and spaces included), which breaks the URL.
 */
const PASSWORD = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9!$&()*+,;=~._-]{6,20}$/),
  fc.stringMatching(/^[A-Za-z0-9!$%&()*+,;=~._:/?#@[\] -]{6,20}$/),
).map((s) => `Zq${s}`);

const PREFIX = fc.constantFrom(
  "http://",
  "https://",
  "http//",
  "http:/",
  "HTTP://",
  "redis://",
  "rediss://",
  "",
);
const USER = fc.stringMatching(/^[a-z]{0,8}$/);
/** Hosts that refuse at once (port 1): no case waits for a connection. */
const HOST = fc.constantFrom("127.0.0.1:1", "localhost:1", "[::1]:1");
const SUFFIX = fc.constantFrom("", "/", "/0", "/prefix", "?x=1");

/** A URL setting's value holding `password` as its user information (or near it). */
const URL_WITH_PASSWORD = fc.record({
  prefix: PREFIX,
  user: USER,
  password: PASSWORD,
  host: HOST,
  suffix: SUFFIX,
}).map(({ prefix, user, password, host, suffix }) => ({
  password,
  value: `${prefix}${user}:${password}@${host}${suffix}`,
}));

/** How one URL setting is given: a variable, or a flag, and what else the run needs. */
interface SettingCase {
  readonly name: string;
  readonly run: (
    value: string,
    sim: Simulator,
    dir: string,
  ) => { args: string[]; env: Record<string, string> };
}

const harvest = (sim: Simulator, dir: string, ...more: string[]) => [
  "harvest",
  "-H",
  sim.url,
  "--output",
  `file:${join(dir, "out.jsonl")}`,
  "--server-timezone",
  "UTC",
  "--max-attempts",
  "1",
  "--wait",
  "0",
  ...more,
];

const SETTINGS: readonly SettingCase[] = [
  {
    name: "ELASTICSEARCH_HOST",
    run: (value, sim, dir) => ({
      args: [...harvest(sim, dir), "--output", "es"],
      env: { ELASTICSEARCH_HOST: value, ELASTICSEARCH_TIMEOUT: "1" },
    }),
  },
  {
    name: "--es_host",
    run: (value, sim, dir) => ({
      args: [...harvest(sim, dir), "--output", "es", "--es_host", value],
      env: {},
    }),
  },
  {
    name: "MATTERHORN_ENGAGE_HOST",
    run: (value) => ({
      args: ["harvest", "--max-attempts", "1", "--output", "-"],
      env: { MATTERHORN_ENGAGE_HOST: value },
    }),
  },
  {
    name: "-H",
    run: (value) => ({
      args: ["harvest", "-H", value, "--max-attempts", "1"],
      env: {},
    }),
  },
  {
    name: "MATTERHORN_ADMIN_HOST",
    run: (value, sim) => ({
      args: ["load_episodes", "-E", sim.url, "-e", "127.0.0.1:1"],
      env: { MATTERHORN_ADMIN_HOST: value, OPENCAST_MAX_ATTEMPTS: "1" },
    }),
  },
  {
    name: "REDIS_URL",
    run: (value, sim, dir) => ({
      args: harvest(sim, dir),
      env: { REDIS_URL: value, REDIS_TIMEOUT: "0.2" },
    }),
  },
  {
    name: "--redis-url",
    run: (value, _sim, dir) => ({
      args: ["status", "--redis-url", value, "--state-file", join(dir, "s")],
      env: {},
    }),
  },
  {
    name: "UA_HARVEST_METRICS_PUSH",
    run: (value, sim, dir) => ({
      args: harvest(sim, dir),
      env: { UA_HARVEST_METRICS_PUSH: value },
    }),
  },
  {
    name: "--metrics-push",
    run: (value, sim, dir) => ({
      args: [...harvest(sim, dir), "--metrics-push", value],
      env: {},
    }),
  },
  {
    name: "AWS_ENDPOINT_URL_S3",
    run: (value, sim, dir) => ({
      args: harvest(sim, dir),
      env: {
        AWS_ENDPOINT_URL_S3: value,
        S3_HARVEST_TS_BUCKET: "bucket",
        S3_LAST_ACTION_TS_KEY: "key",
      },
    }),
  },
  {
    name: "AWS_ENDPOINT_URL",
    run: (value, sim) => ({
      args: ["harvest", "-H", sim.url, "--max-attempts", "1"],
      env: { AWS_ENDPOINT_URL: value, SQS_QUEUE_NAME: "queue" },
    }),
  },
  {
    name: "SQS_QUEUE_NAME",
    run: (value, sim) => ({
      args: ["harvest", "-H", sim.url, "--max-attempts", "1"],
      env: { SQS_QUEUE_NAME: value },
    }),
  },
  {
    name: "LOGGLY_URL",
    run: (value, sim, dir) => ({
      args: harvest(sim, dir),
      env: { LOGGLY_URL: value, LOGGLY_TOKEN: "token-for-tests" },
    }),
  },
];

/** Everything a run printed. */
interface Captured {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs `main(args)` in this process with `env` as its whole environment
 * (nothing of the test's leaks in) and `dir` as its working directory, and
 * captures every byte it prints: `main()` sends all of it to the run's
 * stdout and stderr.
 */
async function runCaptured(
  args: string[],
  env: Record<string, string>,
  dir: string,
): Promise<Captured> {
  const result = await runMain(args, { env, cwd: dir });
  return { code: result.code, output: result.stdout + result.stderr };
}

/** The text of every file under `dir`. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      for (const [p, text] of await filesUnder(path)) files.set(p, text);
    } else if (entry.isFile) {
      files.set(path, new TextDecoder().decode(await Deno.readFile(path)));
    }
  }
  return files;
}

Deno.test("no URL setting's password reaches any output or file, whatever the URL looks like", async () => {
  await using sim = await startSimulator({
    port: 0,
    actions: 20,
    spanSeconds: 60,
    episodes: 2,
    timezone: "UTC",
    quiet: true,
  });
  const root = await Deno.makeTempDir({ prefix: "ua-harvest-secrets-" });
  const envFile = join(root, "empty.env");
  await Deno.writeTextFile(envFile, "");
  let runs = 0;
  try {
    for (const setting of SETTINGS) {
      await fc.assert(
        fc.asyncProperty(URL_WITH_PASSWORD, async ({ password, value }) => {
          const dir = join(root, String(runs++));
          await Deno.mkdir(dir);
          const { args, env } = setting.run(value, sim, dir);
          const result = await runCaptured(
            [...args, "--env-file", envFile],
            {
              AWS_ACCESS_KEY_ID: "test",
              AWS_SECRET_ACCESS_KEY: "test-secret",
              AWS_REGION: "us-east-1",
              XDG_STATE_HOME: join(dir, "state"),
              XDG_CACHE_HOME: join(dir, "cache"),
              HOME: dir,
              ...env,
            },
            dir,
          );
          assert.ok(
            !result.output.includes(password),
            `${setting.name}=${value}: the password is in the output (exit ${result.code}):\n${result.output}`,
          );
          for (const [path, text] of await filesUnder(dir)) {
            assert.ok(
              !text.includes(password),
              `${setting.name}=${value}: the password is in ${path}`,
            );
          }
        }),
        // Elasticsearch's client retries a refused connection for about a
        // second: fewer of those.
        { numRuns: /elasticsearch|es_host/i.test(setting.name) ? 3 : 6 },
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

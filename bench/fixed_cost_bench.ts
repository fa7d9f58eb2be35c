/**
 * The fixed cost of a run (part of `deno task bench`): what a cron run costs
 * on top of starting the program, timed as the user waits for it, the whole
 * CLI process from spawn to exit, beside `--version` measured in the same
 * rounds.
 *
 * Two set-ups, each a cron run that finds nothing new and one that finds ten
 * new actions (their episodes cached): SQS with an S3 checkpoint and Redis
 * (lock and cache), and stdout with a file checkpoint and the embedded
 * cache; and the first again with every service (Opencast, S3, SQS, Redis)
 * `LATENCY_MS` away, as across a network, where what the run starts in
 * parallel shows. The simulator (Digest auth) and the fakes run in this
 * process, a real `redis-server` beside it. Each round runs `--version` and then every
 * scenario once, so the extra over `--version` is taken round by round; the
 * rows quote medians. Prints numbers; asserts nothing. Options
 * (environment): BENCH_FIXED_TIMELINE (`1`: also print the log of one
 * debug-level run with each line's milliseconds since spawn),
 * BENCH_FIXED_RUNS (rounds, 7), BENCH_FIXED_LATENCY_MS (20;
 * 0 leaves that set-up out).
 *
 * @module
 */
import { join } from "node:path";
import { atMost, createBenchReport } from "./_report.ts";
import { median, pairedExtra } from "./_paired.ts";
import { harvestSummary, runChild } from "./_child.ts";
import { startSimulator } from "../src/simulate/start_simulator.ts";
import { plural } from "../src/util/plural.ts";
import { cliArgs } from "../tests/support/run_cli.ts";
import { startSqsFake } from "../tests/support/sqs_fake.ts";
import { startS3Fake } from "../tests/support/s3_fake.ts";
import { startRedisServer } from "../tests/support/redis_server.ts";
import { harvestEnv } from "../tests/support/harvest_env.ts";
import { startLatencyProxy } from "./_latency_proxy.ts";

const RUNS = Number(Deno.env.get("BENCH_FIXED_RUNS") ?? 7);
/** The round trip added to every service in the last set-up. */
const LATENCY_MS = Number(Deno.env.get("BENCH_FIXED_LATENCY_MS") ?? 20);
/** `1`: also print one debug-level run's log lines with their ms since spawn. */
const TIMELINE = Deno.env.get("BENCH_FIXED_TIMELINE") === "1";
/** New actions a busy cron run finds, every two minutes. */
const NEW_ACTIONS = 10;
const USER = "opencast_system_account";
const PASSWORD = "bench-password";

/** The extra over `--version` a cron run with ten new actions may cost (SQS). */
const TARGET_MS = 150;

/** One way of running the harvest from cron. */
interface SetUp {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly args: readonly string[];
  /** The row that carries the target. */
  readonly target: boolean;
}

const report = createBenchReport([
  "cron run (whole process)",
  "median ms",
  "over --version (paired)",
  "range of the extra",
]);

/** One harvest as cron runs it; its wall milliseconds and actions. */
async function cronRun(
  setUp: SetUp,
  dir: string,
  extraArgs: readonly string[] = [],
): Promise<{ ms: number; actions: number; stderr: string; spawnedAt: number }> {
  const spawnedAt = Date.now();
  const run = await runChild(
    cliArgs([
      "harvest",
      "--no-progress",
      "--log-format",
      "json",
      "-i",
      "15",
      ...setUp.args,
      ...extraArgs,
    ]),
    setUp.env,
    dir,
  );
  if (run.code !== 0) {
    throw new Error(
      `harvest (${setUp.name}) exited ${run.code}:\n${run.stderr}`,
    );
  }
  return {
    ms: run.seconds * 1000,
    actions: Number(harvestSummary(run.stderr).actions ?? NaN),
    stderr: run.stderr,
    spawnedAt,
  };
}

/**
 * One cron run with new actions (the other set-ups' rounds added some too)
 * at `--log-level debug`: each log line with
 * the milliseconds from spawning the process to its timestamp, then the
 * process's end. Where a run's time goes, as far as its log shows it.
 */
async function printTimeline(
  setUp: SetUp,
  dir: string,
  addActions: () => void,
): Promise<void> {
  addActions();
  const run = await cronRun(setUp, dir, ["--log-level", "debug"]);
  console.log(
    `\nTimeline of one run (${setUp.name}, ${run.actions} new actions):`,
  );
  for (const line of run.stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    const event = JSON.parse(line) as { "@timestamp": string; message: string };
    const ms = Date.parse(event["@timestamp"]) - run.spawnedAt;
    console.log(`${String(ms).padStart(6)} ms  ${event.message.slice(0, 110)}`);
  }
  console.log(`${String(Math.round(run.ms)).padStart(6)} ms  (process ended)`);
}

async function versionRun(dir: string): Promise<number> {
  const run = await runChild(cliArgs(["--version"]), {}, dir);
  if (run.code !== 0) throw new Error(`--version exited ${run.code}`);
  return run.seconds * 1000;
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-fixed-" });
  console.log(
    `Fixed cost of a cron run (${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; whole processes, ${RUNS} rounds, medians; the simulator and fakes in this process)`,
  );
  try {
    await using sim = await startSimulator({
      port: 0,
      actions: 300,
      episodes: 20,
      spanSeconds: 600,
      user: USER,
      password: PASSWORD,
      quiet: true,
    });
    await using sqs = await startSqsFake();
    await using s3 = await startS3Fake();
    await using redis = await startRedisServer();
    await using stack = new AsyncDisposableStack();
    const engage = {
      engage: { url: sim.url, timezone: sim.timezone },
      user: USER,
      password: PASSWORD,
    };
    const awsState = (key: string) => ({
      SQS_QUEUE_NAME: "bench-actions",
      S3_HARVEST_TS_BUCKET: "bench-state",
      S3_LAST_ACTION_TS_KEY: key,
    });
    const setUps: SetUp[] = [
      {
        name: "SQS, S3 checkpoint, Redis",
        env: harvestEnv({
          home: join(dir, "sqs"),
          ...engage,
          sqs,
          s3,
          redisUrl: redis.url,
          extra: awsState("last-action-ts"),
        }),
        args: [],
        target: true,
      },
      {
        name: "stdout, file checkpoint",
        env: harvestEnv({ home: join(dir, "stdout"), ...engage }),
        args: ["--output", "-"],
        target: false,
      },
    ];
    if (LATENCY_MS > 0) {
      const away = (port: number) =>
        stack.use(startLatencyProxy(port, LATENCY_MS)).port;
      const url = (port: number) => `http://127.0.0.1:${away(port)}`;
      setUps.push({
        name: `SQS, S3 checkpoint, Redis, each ${LATENCY_MS} ms away`,
        env: harvestEnv({
          home: join(dir, "far"),
          ...engage,
          engage: { url: url(sim.port), timezone: sim.timezone },
          sqs: { url: url(Number(new URL(sqs.url).port)) },
          s3: { url: url(Number(new URL(s3.url).port)) },
          redisUrl: `redis://127.0.0.1:${away(redis.port)}`,
          extra: awsState("far-last-action-ts"),
        }),
        args: [],
        target: false,
      });
    }
    // The first runs harvest the span: the checkpoints, the queue, the
    // bucket and both episode caches exist from then on.
    await versionRun(dir);
    for (const setUp of setUps) await cronRun(setUp, dir);
    report.progress("set up: checkpoints saved, episode caches filled");
    const cached = [...new Set(sim.actions().map((a) => a.mediapackageId))];
    const version: number[] = [];
    const measured = new Map<string, number[]>();
    const add = (name: string, ms: number) =>
      measured.set(name, [...measured.get(name) ?? [], ms]);
    let unexpected = 0;
    for (let round = 0; round < RUNS; round++) {
      version.push(await versionRun(dir));
      for (const setUp of setUps) {
        add(`nothing new, ${setUp.name}`, (await cronRun(setUp, dir)).ms);
        sim.appendActions(NEW_ACTIONS, { mediapackageIds: cached });
        const ten = await cronRun(setUp, dir);
        if (ten.actions !== NEW_ACTIONS) unexpected++;
        add(`${NEW_ACTIONS} new actions, ${setUp.name}`, ten.ms);
      }
      report.progress(`round ${round + 1} of ${RUNS}`);
    }
    if (TIMELINE) {
      await printTimeline(
        setUps[0]!,
        dir,
        () => sim.appendActions(NEW_ACTIONS, { mediapackageIds: cached }),
      );
    }
    if (unexpected > 0) {
      console.error(
        `${unexpected} ${
          plural(unexpected, "run")
        } did not find exactly ${NEW_ACTIONS} new actions`,
      );
    }
    report.row({
      cells: [
        "--version",
        Math.round(median(version)),
        "",
        `${Math.round(Math.min(...version))}–${
          Math.round(Math.max(...version))
        } ms`,
      ],
    });
    for (const [name, values] of measured) {
      const paired = pairedExtra(values, version);
      const extra = Math.round(paired.extra);
      const withTarget = setUps.some((s) =>
        s.target && name.endsWith(s.name)
      ) &&
        name.startsWith(`${NEW_ACTIONS} new`);
      report.row({
        cells: [
          name,
          Math.round(paired.median),
          `${extra} ms`,
          `${Math.round(paired.min)}–${Math.round(paired.max)} ms`,
        ],
        ...(withTarget
          ? { target: { goal: atMost(TARGET_MS, " ms"), value: extra } }
          : {}),
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`\n${report.table()}`);
  console.log(report.verdict());
}

if (import.meta.main) await main();

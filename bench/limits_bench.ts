/**
 * The limits benchmark (part of `deno task bench`): how close the harvest
 * comes to what this machine allows, each figure beside the limit measured in
 * the same run, and the ratio between them.
 *
 * - fetch limit: the action pages fetched and parsed with the harvester's own
 *   Opencast client, nothing else; harvest → stdout against it;
 * - send limit: ready records sent through the SQS sink (same client and
 *   settings), nothing else, in this (warmed-up) process; harvest → SQS
 *   against it, as the whole process (start-up included, what a user waits
 *   for) and in-run (from the harvest's start), in rounds paired with the
 *   limit; and, beside it, the same records sent by a fresh process that does
 *   nothing else (`_send_child.ts`): what one run could send at best, start-up
 *   and a cold JIT included;
 * - cold and warm episode cache; 20 ms added to every simulator request;
 * - peak RSS of harvest → stdout at a small and a large window (a child
 *   process, measured by the kernel);
 * - Elasticsearch with each bulk item answered 429 with probability 10 %,
 *   independently on every request, against fault-free;
 * - `--help` cold start.
 *
 * Every harvest is a subprocess run exactly as cron runs it. Prints numbers;
 * asserts nothing. Options (environment): BENCH_LIMIT_ACTIONS (20000),
 * BENCH_SMALL_ACTIONS (10000), BENCH_MEDIUM_ACTIONS (100000; 0 skips: where
 * peak RSS has levelled off), BENCH_LARGE_ACTIONS (1000000; 0 skips),
 * BENCH_EPISODES (500), BENCH_SQS_ROUNDS (3), BENCH_ONLY (`es-429`: that
 * scenario alone).
 *
 * @module
 */
import { atLeast, atMost, createBenchReport, type Target } from "./_report.ts";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Simulator } from "../src/simulate/start_simulator.ts";
import { OpencastClient } from "../src/opencast/opencast_client.ts";
import { fetchActions } from "../src/opencast/fetch_actions.ts";
import { formatCompactTimestamp } from "../src/opencast/opencast_time.ts";
import { buildRecord } from "../src/record/build_record.ts";
import type { ActionRecord } from "../src/record/action_record.ts";
import type { Episode } from "../src/opencast/types.ts";
import { fetchEpisode } from "../src/opencast/fetch_episode.ts";
import { createSqsSink } from "../src/sinks/sqs_sink.ts";
import { mapConcurrent } from "../src/util/map_concurrent.ts";
import {
  PAGE,
  SPAN_END,
  SPAN_SECONDS,
  spanHarvestArgs,
  startSpanSimulator,
  ZONE,
} from "./_workload.ts";
import { cliArgs } from "../tests/support/run_cli.ts";
import { startSqsFake } from "../tests/support/sqs_fake.ts";
import { startElasticsearchFake } from "../tests/support/elasticsearch_fake.ts";
import { type ChildRun, harvestSummary, runChild } from "./_child.ts";
import { median } from "./_paired.ts";

const QUEUE = "bench-actions";
/** The send-only child (a fresh process sending ready records). */
const SEND_CHILD = fileURLToPath(new URL("./_send_child.ts", import.meta.url));

const LIMIT_ACTIONS = Number(Deno.env.get("BENCH_LIMIT_ACTIONS") ?? 20_000);
const SMALL_ACTIONS = Number(Deno.env.get("BENCH_SMALL_ACTIONS") ?? 10_000);
const MEDIUM_ACTIONS = Number(
  Deno.env.get("BENCH_MEDIUM_ACTIONS") ?? 100_000,
);
const LARGE_ACTIONS = Number(
  Deno.env.get("BENCH_LARGE_ACTIONS") ?? 1_000_000,
);
const EPISODES = Number(Deno.env.get("BENCH_EPISODES") ?? 500);
/** Rounds of send limit, cold and warm harvest → SQS; the ratios are their medians. */
const SQS_ROUNDS = Number(Deno.env.get("BENCH_SQS_ROUNDS") ?? 3);
/** `es-429`: only the Elasticsearch push-back scenario (a quick look after changing the pacing). */
const ONLY = Deno.env.get("BENCH_ONLY");

interface HarvestRun extends ChildRun {
  /** The harvester's own seconds, from its summary (no process start-up). */
  harvestSeconds: number;
  actions: number;
  /** Actions per second of the harvest's own time (in-run). */
  actionsPerSecond: number;
  /** Actions per second of the whole process, start-up included. */
  processPerSecond: number;
}

/** One harvest of the simulator's whole span through the CLI. */
async function harvest(
  sim: Simulator,
  options: {
    dir: string;
    name: string;
    output: string[];
    env?: Record<string, string>;
    cacheFile?: string;
  },
): Promise<HarvestRun> {
  const { dir, name } = options;
  const args = spanHarvestArgs({
    url: sim.url,
    output: options.output,
    stateFile: join(dir, `${name}-state.json`),
    cacheFile: options.cacheFile ?? join(dir, `${name}-cache.sqlite`),
    extra: ["--log-format", "json"],
  });
  const run = await runChild(args, {
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_REGION: "us-east-1",
    ...options.env,
  }, dir);
  const properties = harvestSummary(run.stderr);
  if (run.code !== 0) {
    console.error(`harvest ${name} exited ${run.code}:\n${run.stderr}`);
  }
  const harvestSeconds = Number(properties.seconds ?? NaN);
  const actions = Number(properties.actions ?? NaN);
  report.progress(
    `harvest ${name}: ${actions} actions in ${harvestSeconds.toFixed(2)} s`,
  );
  return {
    ...run,
    harvestSeconds,
    actions,
    actionsPerSecond: actions / harvestSeconds,
    processPerSecond: actions / run.seconds,
  };
}

/** Adds a row with its ratio, compared with `goal` when one is given. */
type RatioRow = (
  what: string,
  measured: string,
  limit: string,
  value: number,
  goal?: Target,
) => void;

/** Prints each step and row as it is measured (see `_report.ts`). */
const report = createBenchReport([
  "what",
  "measured",
  "limit in the same run",
  "ratio",
]);

async function simulator(actions: number, latencyMs = 0): Promise<Simulator> {
  const sim = await startSpanSimulator({
    actions,
    episodes: EPISODES,
    latencyMs,
  });
  report.progress(
    `simulator ready: ${actions} actions, ${EPISODES} episodes${
      latencyMs > 0 ? `, ${latencyMs} ms per request` : ""
    }`,
  );
  return sim;
}

/** The fetch limit: every page fetched and parsed, nothing else (actions/s). */
async function fetchLimit(sim: Simulator): Promise<number> {
  const client = new OpencastClient({ host: sim.url });
  const start = formatCompactTimestamp(
    SPAN_END.subtract({ seconds: SPAN_SECONDS }),
    ZONE,
  );
  const end = formatCompactTimestamp(SPAN_END, ZONE);
  const started = performance.now();
  let count = 0;
  for (let offset = 0;; offset += PAGE) {
    const page = await fetchActions(client, {
      start,
      end,
      limit: PAGE,
      offset,
    });
    count += page.actions.length;
    if (page.actions.length < PAGE) break;
  }
  return count / ((performance.now() - started) / 1000);
}

/** Every action of the simulator as the record the harvest would send. */
async function readyRecords(sim: Simulator): Promise<ActionRecord[][]> {
  const client = new OpencastClient({ host: sim.url });
  const start = formatCompactTimestamp(
    SPAN_END.subtract({ seconds: SPAN_SECONDS }),
    ZONE,
  );
  const end = formatCompactTimestamp(SPAN_END, ZONE);
  const pages: ActionRecord[][] = [];
  const episodes = new Map<string, Episode | null>();
  for (let offset = 0;; offset += PAGE) {
    const page = await fetchActions(client, {
      start,
      end,
      limit: PAGE,
      offset,
    });
    const missing = [...new Set(page.actions.map((a) => a.mediapackageId))]
      .filter((id) => !episodes.has(id));
    await mapConcurrent(missing, 8, async (id) => {
      episodes.set(id, await fetchEpisode(client, id));
    });
    pages.push(
      page.actions.map((a) =>
        buildRecord(a, episodes.get(a.mediapackageId) ?? null)
      ),
    );
    if (page.actions.length < PAGE) break;
  }
  return pages;
}

/** The send limit: ready records through the SQS sink, nothing else (records/s). */
async function sendLimit(
  sqsUrl: string,
  pages: ActionRecord[][],
): Promise<number> {
  await using sink = await createSqsSink({
    queue: `${QUEUE}-limit`,
    endpoint: sqsUrl,
    region: "us-east-1",
  });
  const started = performance.now();
  let count = 0;
  for (const page of pages) {
    await sink.deliver(page);
    count += page.length;
  }
  return count / ((performance.now() - started) / 1000);
}

/**
 * Elasticsearch answering 429 for each bulk item with probability 0.1,
 * independently on every request (resends included), against a fault-free
 * cluster: so almost no 1,000-item request is ever fully accepted. Each run
 * has its own (cold) episode cache, so neither warms the other's.
 */
async function elasticsearchThrottled(
  sim: Simulator,
  dir: string,
  ratioRow: RatioRow,
): Promise<void> {
  await using clean = startElasticsearchFake();
  await using faulty = startElasticsearchFake({ tooManyRequestsShare: 0.1 });
  const esClean = await harvest(sim, {
    dir,
    name: "es-clean",
    output: ["--output", "es", "--es-host", clean.host],
  });
  report.progress(
    `harvest → Elasticsearch, fault-free: ${
      esClean.harvestSeconds.toFixed(2)
    } s`,
  );
  const esFaulty = await harvest(sim, {
    dir,
    name: "es-429",
    output: ["--output", "es", "--es-host", faulty.host],
  });
  ratioRow(
    "harvest → Elasticsearch, 10 % of items 429 on every request (s)",
    esFaulty.harvestSeconds.toFixed(2),
    `fault-free ${esClean.harvestSeconds.toFixed(2)}`,
    esFaulty.harvestSeconds / esClean.harvestSeconds,
    atMost(2),
  );
}

const rate = (n: number) => `${(n / 1000).toFixed(1)}k/s`;

/** One round of the SQS rows, measured one right after the other. */
interface SqsRound {
  readonly limit: number;
  /** Records per second of a fresh process that only sends them (whole process). */
  readonly sendOnly: number;
  readonly cold: HarvestRun;
  readonly warm: HarvestRun;
}

/**
 * Harvest → SQS against the send limit, in rounds: each measures the send
 * limit and then a cold and a warm harvest (a fresh episode cache and queue
 * each round), so every ratio pairs numbers taken together on a machine whose
 * speed drifts; the rows quote medians. Two figures each: the whole process
 * (what a user waits for, start-up included) and in-run (the harvest's own
 * time from its start, what these rows showed before).
 */
async function sqsRows(
  sim: Simulator,
  dir: string,
  ratioRow: RatioRow,
): Promise<void> {
  const records = await readyRecords(sim);
  const recordsFile = join(dir, "ready-records.json");
  await Deno.writeTextFile(recordsFile, JSON.stringify(records));
  const recordCount = records.reduce((n, page) => n + page.length, 0);
  const rounds: SqsRound[] = [];
  for (let round = 1; round <= SQS_ROUNDS; round++) {
    // A fresh queue each round: the fake keeps every message.
    await using sqs = await startSqsFake();
    const limit = await sendLimit(sqs.url, records);
    const sendChild = await runChild(
      [
        "run",
        "--quiet",
        "-A",
        SEND_CHILD,
        recordsFile,
        sqs.url,
        `${QUEUE}-send`,
      ],
      {
        AWS_ACCESS_KEY_ID: "bench",
        AWS_SECRET_ACCESS_KEY: "bench",
        AWS_REGION: "us-east-1",
      },
      dir,
    );
    if (sendChild.code !== 0) {
      console.error(
        `send-only child exited ${sendChild.code}:\n${sendChild.stderr}`,
      );
    }
    const sendOnly = recordCount / sendChild.seconds;
    const cacheFile = join(dir, `sqs-cache-${round}.sqlite`);
    const run = (temperature: string) =>
      harvest(sim, {
        dir,
        name: `sqs-${temperature}-${round}`,
        output: ["--output", "sqs", "-q", QUEUE],
        env: { AWS_ENDPOINT_URL_SQS: sqs.url },
        cacheFile,
      });
    const cold = await run("cold");
    const warm = await run("warm");
    rounds.push({ limit, sendOnly, cold, warm });
    report.progress(
      `SQS round ${round} of ${SQS_ROUNDS}: send limit ${
        rate(limit)
      }, send only (fresh process) ${rate(sendOnly)}, cold ${
        rate(cold.processPerSecond)
      } whole process, warm ${rate(warm.processPerSecond)}`,
    );
  }
  const limit = `send limit ${rate(median(rounds.map((r) => r.limit)))}`;
  const sendOnly = `send only ${rate(median(rounds.map((r) => r.sendOnly)))}`;
  ratioRow(
    `send only: ${recordCount} ready records → SQS, fresh process`,
    rate(median(rounds.map((r) => r.sendOnly))),
    limit,
    median(rounds.map((r) => r.sendOnly / r.limit)),
  );
  for (const temperature of ["cold", "warm"] as const) {
    const runs = rounds.map((r) => ({ run: r[temperature], limit: r.limit }));
    ratioRow(
      `harvest → SQS, ${LIMIT_ACTIONS} actions, ${temperature}, whole process`,
      rate(median(runs.map(({ run }) => run.processPerSecond))),
      limit,
      median(runs.map(({ run, limit }) => run.processPerSecond / limit)),
      temperature === "cold" ? atLeast(0.8) : undefined,
    );
    ratioRow(
      `  the same, against a process that only sends`,
      rate(median(runs.map(({ run }) => run.processPerSecond))),
      sendOnly,
      median(
        rounds.map((r) => r[temperature].processPerSecond / r.sendOnly),
      ),
    );
    ratioRow(
      `harvest → SQS, ${LIMIT_ACTIONS} actions, ${temperature}, in-run`,
      rate(median(runs.map(({ run }) => run.actionsPerSecond))),
      limit,
      median(runs.map(({ run, limit }) => run.actionsPerSecond / limit)),
      atLeast(0.8),
    );
  }
}

async function main(): Promise<void> {
  // The SDK in this process (the send limit) needs credentials the fake accepts.
  Deno.env.set("AWS_ACCESS_KEY_ID", "bench");
  Deno.env.set("AWS_SECRET_ACCESS_KEY", "bench");
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-limits-" });
  console.log(
    `Limits (${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; the simulator and fakes in this process, each harvest a subprocess)`,
  );
  /** A row whose ratio is compared with its target. */
  const ratioRow: RatioRow = (what, measured, limit, value, goal) =>
    report.row({
      cells: [what, measured, limit, value.toFixed(2)],
      ...(goal ? { target: { goal, value } } : {}),
    });
  try {
    if (ONLY === "es-429") {
      await using sim = await simulator(LIMIT_ACTIONS);
      await elasticsearchThrottled(sim, dir, ratioRow);
      return;
    }
    await using sim = await simulator(LIMIT_ACTIONS);

    const fetchRate = await fetchLimit(sim);
    report.progress(`fetch limit: ${rate(fetchRate)}`);
    const h = (r: HarvestRun) => rate(r.actionsPerSecond);
    const cache = join(dir, "shared-cache.sqlite");
    const stdoutCold = await harvest(sim, {
      dir,
      name: "stdout-cold",
      output: ["--output", "-"],
      cacheFile: cache,
    });
    ratioRow(
      `harvest → stdout, ${LIMIT_ACTIONS} actions, cold`,
      h(stdoutCold),
      `fetch limit ${rate(fetchRate)}`,
      stdoutCold.actionsPerSecond / fetchRate,
      atLeast(0.5),
    );
    const stdoutWarm = await harvest(sim, {
      dir,
      name: "stdout-warm",
      output: ["--output", "-"],
      cacheFile: cache,
    });
    ratioRow(
      `harvest → stdout, ${LIMIT_ACTIONS} actions, warm`,
      h(stdoutWarm),
      `fetch limit ${rate(fetchRate)}`,
      stdoutWarm.actionsPerSecond / fetchRate,
      atLeast(0.5),
    );
    await sqsRows(sim, dir, ratioRow);

    {
      await using slow = await simulator(LIMIT_ACTIONS, 20);
      const slowCold = await harvest(slow, {
        dir,
        name: "latency-cold",
        output: ["--output", "-"],
      });
      ratioRow(
        "harvest → stdout, 20 ms per Opencast request, cold",
        h(slowCold),
        `no latency ${h(stdoutCold)}`,
        slowCold.actionsPerSecond / stdoutCold.actionsPerSecond,
        atLeast(0.8),
      );
    }

    await elasticsearchThrottled(sim, dir, ratioRow);

    {
      await using small = await simulator(SMALL_ACTIONS);
      const smallRun = await harvest(small, {
        dir,
        name: "rss-small",
        output: ["--output", "-"],
      });
      if (MEDIUM_ACTIONS > 0 || LARGE_ACTIONS > 0) {
        report.progress(
          `peak RSS, ${SMALL_ACTIONS} actions: ${
            smallRun.peakRssMiB.toFixed(0)
          } MiB`,
        );
      }
      if (MEDIUM_ACTIONS > 0) {
        // Shows where peak RSS levels off: the runtime's buffers and the
        // heap reach their steady size within the first pages, not the window.
        await using medium = await simulator(MEDIUM_ACTIONS);
        const mediumRun = await harvest(medium, {
          dir,
          name: "rss-medium",
          output: ["--output", "-"],
        });
        ratioRow(
          `peak RSS, ${MEDIUM_ACTIONS} vs ${SMALL_ACTIONS} actions (MiB)`,
          mediumRun.peakRssMiB.toFixed(0),
          `${SMALL_ACTIONS}: ${smallRun.peakRssMiB.toFixed(0)}`,
          mediumRun.peakRssMiB / smallRun.peakRssMiB,
        );
      }
      if (LARGE_ACTIONS > 0) {
        await using large = await simulator(LARGE_ACTIONS);
        const largeFetch = await fetchLimit(large);
        report.progress(
          `fetch limit, ${LARGE_ACTIONS} actions: ${rate(largeFetch)}`,
        );
        const largeRun = await harvest(large, {
          dir,
          name: "rss-large",
          output: ["--output", "-"],
        });
        ratioRow(
          `harvest → stdout, ${LARGE_ACTIONS} actions, cold`,
          h(largeRun),
          `fetch limit ${rate(largeFetch)}`,
          largeRun.actionsPerSecond / largeFetch,
          atLeast(0.5),
        );
        ratioRow(
          `peak RSS, ${LARGE_ACTIONS} vs ${SMALL_ACTIONS} actions (MiB)`,
          largeRun.peakRssMiB.toFixed(0),
          `${SMALL_ACTIONS}: ${smallRun.peakRssMiB.toFixed(0)}`,
          largeRun.peakRssMiB / smallRun.peakRssMiB,
          atMost(1.2),
        );
      } else {
        report.row({
          cells: [
            `peak RSS, ${SMALL_ACTIONS} actions (MiB)`,
            smallRun.peakRssMiB.toFixed(0),
            "",
            "",
          ],
        });
      }
    }

    {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        times.push((await runChild(cliArgs(["--help"]), {}, dir)).seconds);
      }
      times.sort((a, b) => a - b);
      const median = Math.round(times[2]! * 1000);
      report.row({
        cells: [
          "--help cold start, median of 5 (ms)",
          median,
          `min ${Math.round(times[0]! * 1000)}, max ${
            Math.round(times[4]! * 1000)
          }`,
          "",
        ],
        target: { goal: atMost(300, " ms"), value: median },
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`\n${report.table()}`);
  console.log(report.verdict());
}

if (import.meta.main) await main();

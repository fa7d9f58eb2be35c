/**
 * The limits benchmark (part of `deno task bench`): how close the harvest
 * comes to what this machine allows, each figure beside the limit measured in
 * the same run, and the ratio between them.
 *
 * - fetch limit: the action pages fetched and parsed with the harvester's own
 *   Opencast client, nothing else; harvest → stdout against it;
 * - send limit: ready records sent through the SQS sink (same SDK client and
 *   settings), nothing else; harvest → SQS against it;
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
 * BENCH_EPISODES (500), BENCH_ONLY (`es-429`: that scenario alone).
 *
 * @module
 */
import { table } from "./_table.ts";
import { join } from "node:path";
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

const QUEUE = "bench-actions";

const LIMIT_ACTIONS = Number(Deno.env.get("BENCH_LIMIT_ACTIONS") ?? 20_000);
const SMALL_ACTIONS = Number(Deno.env.get("BENCH_SMALL_ACTIONS") ?? 10_000);
const MEDIUM_ACTIONS = Number(
  Deno.env.get("BENCH_MEDIUM_ACTIONS") ?? 100_000,
);
const LARGE_ACTIONS = Number(
  Deno.env.get("BENCH_LARGE_ACTIONS") ?? 1_000_000,
);
const EPISODES = Number(Deno.env.get("BENCH_EPISODES") ?? 500);
/** `es-429`: only the Elasticsearch push-back scenario (a quick look after changing the pacing). */
const ONLY = Deno.env.get("BENCH_ONLY");

const HOME = Deno.env.get("HOME") ?? "/root";
const DENO_DIR = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("XDG_CACHE_HOME") ?? join(HOME, ".cache"), "deno");

interface ChildRun {
  code: number;
  seconds: number;
  peakRssMiB: number;
  stderr: string;
}

/** Runs `deno …args` with a clean environment; samples its peak RSS. */
async function runChild(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ChildRun> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME,
      DENO_DIR,
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    // Piped and drained, not /dev/null: the harvest refuses a stdout that
    // goes nowhere, since its records would be lost.
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const drained = child.stdout.pipeTo(new WritableStream());
  const stderrText = new Response(child.stderr).text();
  let peakKiB = 0;
  const sample = () => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const kib = /VmHWM:\s+(\d+)/.exec(status)?.[1];
      // A zombie has no VmHWM line: keep what was read while it ran.
      if (kib !== undefined) peakKiB = Math.max(peakKiB, Number(kib));
    } catch {
      // The process is gone; VmHWM was read while it lived.
    }
  };
  const sampler = setInterval(sample, 10);
  const { code } = await child.status;
  await drained;
  const stderr = await stderrText;
  clearInterval(sampler);
  return {
    code,
    seconds: (performance.now() - started) / 1000,
    peakRssMiB: peakKiB / 1024,
    stderr,
  };
}

interface HarvestRun extends ChildRun {
  /** The harvester's own seconds, from its summary (no process start-up). */
  harvestSeconds: number;
  actions: number;
  actionsPerSecond: number;
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
  const summary = run.stderr.split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((event) =>
      String(event.message ?? "").startsWith("Harvest ") &&
      (event.properties as Record<string, unknown> | undefined)?.actions !==
        undefined
    );
  const properties = (summary?.properties ?? {}) as Record<string, number>;
  if (run.code !== 0) {
    console.error(`harvest ${name} exited ${run.code}:\n${run.stderr}`);
  }
  const harvestSeconds = Number(properties.seconds ?? NaN);
  const actions = Number(properties.actions ?? NaN);
  return {
    ...run,
    harvestSeconds,
    actions,
    actionsPerSecond: actions / harvestSeconds,
  };
}

function simulator(actions: number, latencyMs = 0): Promise<Simulator> {
  return startSpanSimulator({ actions, episodes: EPISODES, latencyMs });
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
): Promise<(string | number)[]> {
  await using clean = startElasticsearchFake();
  await using faulty = startElasticsearchFake({ tooManyRequestsShare: 0.1 });
  const esClean = await harvest(sim, {
    dir,
    name: "es-clean",
    output: ["--output", "es", "--es-host", clean.host],
  });
  const esFaulty = await harvest(sim, {
    dir,
    name: "es-429",
    output: ["--output", "es", "--es-host", faulty.host],
  });
  return [
    "harvest → Elasticsearch, 10 % of items 429 on every request (s)",
    esFaulty.harvestSeconds.toFixed(2),
    `fault-free ${esClean.harvestSeconds.toFixed(2)}`,
    ratio(esFaulty.harvestSeconds, esClean.harvestSeconds),
    "≤ 2",
  ];
}

const rate = (n: number) => `${(n / 1000).toFixed(1)}k/s`;
const ratio = (a: number, b: number) => (a / b).toFixed(2);

async function main(): Promise<void> {
  // The SDK in this process (the send limit) needs credentials the fake accepts.
  Deno.env.set("AWS_ACCESS_KEY_ID", "bench");
  Deno.env.set("AWS_SECRET_ACCESS_KEY", "bench");
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-limits-" });
  const rows: (string | number)[][] = [];
  try {
    if (ONLY === "es-429") {
      await using sim = await simulator(LIMIT_ACTIONS);
      rows.push(await elasticsearchThrottled(sim, dir));
      return;
    }
    await using sim = await simulator(LIMIT_ACTIONS);
    await using sqs = await startSqsFake();
    const sqsEnv = { AWS_ENDPOINT_URL_SQS: sqs.url };

    const fetchRate = await fetchLimit(sim);
    const sendRate = await sendLimit(sqs.url, await readyRecords(sim));
    const cache = join(dir, "shared-cache.sqlite");
    const stdoutCold = await harvest(sim, {
      dir,
      name: "stdout-cold",
      output: ["--output", "-"],
      cacheFile: cache,
    });
    const stdoutWarm = await harvest(sim, {
      dir,
      name: "stdout-warm",
      output: ["--output", "-"],
      cacheFile: cache,
    });
    const sqsCache = join(dir, "sqs-cache.sqlite");
    const sqsCold = await harvest(sim, {
      dir,
      name: "sqs-cold",
      output: ["--output", "sqs", "-q", QUEUE],
      env: sqsEnv,
      cacheFile: sqsCache,
    });
    const sqsWarm = await harvest(sim, {
      dir,
      name: "sqs-warm",
      output: ["--output", "sqs", "-q", QUEUE],
      env: sqsEnv,
      cacheFile: sqsCache,
    });
    const h = (r: HarvestRun) => rate(r.actionsPerSecond);
    rows.push(
      [
        `harvest → stdout, ${LIMIT_ACTIONS} actions, cold`,
        h(stdoutCold),
        `fetch limit ${rate(fetchRate)}`,
        ratio(stdoutCold.actionsPerSecond, fetchRate),
        "≥ 0.5",
      ],
      [
        `harvest → stdout, ${LIMIT_ACTIONS} actions, warm`,
        h(stdoutWarm),
        `fetch limit ${rate(fetchRate)}`,
        ratio(stdoutWarm.actionsPerSecond, fetchRate),
        "≥ 0.5",
      ],
      [
        `harvest → SQS, ${LIMIT_ACTIONS} actions, cold`,
        h(sqsCold),
        `send limit ${rate(sendRate)}`,
        ratio(sqsCold.actionsPerSecond, sendRate),
        "≥ 0.8",
      ],
      [
        `harvest → SQS, ${LIMIT_ACTIONS} actions, warm`,
        h(sqsWarm),
        `send limit ${rate(sendRate)}`,
        ratio(sqsWarm.actionsPerSecond, sendRate),
        "≥ 0.8",
      ],
    );

    {
      await using slow = await simulator(LIMIT_ACTIONS, 20);
      const slowCold = await harvest(slow, {
        dir,
        name: "latency-cold",
        output: ["--output", "-"],
      });
      rows.push([
        "harvest → stdout, 20 ms per Opencast request, cold",
        h(slowCold),
        `no latency ${h(stdoutCold)}`,
        ratio(slowCold.actionsPerSecond, stdoutCold.actionsPerSecond),
        "≥ 0.8",
      ]);
    }

    rows.push(await elasticsearchThrottled(sim, dir));

    {
      await using small = await simulator(SMALL_ACTIONS);
      const smallRun = await harvest(small, {
        dir,
        name: "rss-small",
        output: ["--output", "-"],
      });
      if (MEDIUM_ACTIONS > 0) {
        // Shows where peak RSS levels off: the runtime's buffers and the
        // heap reach their steady size within the first pages, not the window.
        await using medium = await simulator(MEDIUM_ACTIONS);
        const mediumRun = await harvest(medium, {
          dir,
          name: "rss-medium",
          output: ["--output", "-"],
        });
        rows.push([
          `peak RSS, ${MEDIUM_ACTIONS} vs ${SMALL_ACTIONS} actions (MiB)`,
          mediumRun.peakRssMiB.toFixed(0),
          `${SMALL_ACTIONS}: ${smallRun.peakRssMiB.toFixed(0)}`,
          ratio(mediumRun.peakRssMiB, smallRun.peakRssMiB),
          "",
        ]);
      }
      if (LARGE_ACTIONS > 0) {
        await using large = await simulator(LARGE_ACTIONS);
        const largeFetch = await fetchLimit(large);
        const largeRun = await harvest(large, {
          dir,
          name: "rss-large",
          output: ["--output", "-"],
        });
        rows.push(
          [
            `harvest → stdout, ${LARGE_ACTIONS} actions, cold`,
            h(largeRun),
            `fetch limit ${rate(largeFetch)}`,
            ratio(largeRun.actionsPerSecond, largeFetch),
            "≥ 0.5",
          ],
          [
            `peak RSS, ${LARGE_ACTIONS} vs ${SMALL_ACTIONS} actions (MiB)`,
            largeRun.peakRssMiB.toFixed(0),
            `${SMALL_ACTIONS}: ${smallRun.peakRssMiB.toFixed(0)}`,
            ratio(largeRun.peakRssMiB, smallRun.peakRssMiB),
            "≤ 1.2",
          ],
        );
      } else {
        rows.push([
          `peak RSS, ${SMALL_ACTIONS} actions (MiB)`,
          smallRun.peakRssMiB.toFixed(0),
          "",
          "",
          "",
        ]);
      }
    }

    {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        times.push((await runChild(cliArgs(["--help"]), {}, dir)).seconds);
      }
      times.sort((a, b) => a - b);
      rows.push([
        "--help cold start, median of 5 (ms)",
        Math.round(times[2]! * 1000),
        `min ${Math.round(times[0]! * 1000)}, max ${
          Math.round(times[4]! * 1000)
        }`,
        "",
        "≤ 300 ms",
      ]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
    printRows(rows);
  }
}

function printRows(rows: (string | number)[][]): void {
  console.log(
    `\nLimits (${Deno.build.os}/${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; the simulator and fakes in this process, each harvest a subprocess)`,
  );
  console.log(
    table(
      ["what", "measured", "limit in the same run", "ratio", "target"],
      rows,
    ),
  );
}

if (import.meta.main) await main();

/**
 * The harvest benchmark (`deno task bench`): the simulator in-process, the
 * harvester as a subprocess exactly as cron runs it (`deno run -P main.ts
 * harvest`), cold and warm episode cache, at several page sizes; then
 * micro-benchmarks of the per-action work. Prints tables; asserts nothing
 * about timing (numbers depend on the machine).
 *
 * Options (environment): BENCH_ACTIONS (default 100000), BENCH_EPISODES
 * (500), BENCH_BATCH_SIZES (1000,5000,10000; empty: only the micro-benchmarks),
 * BENCH_REPEAT (micro-benchmark runs, best taken: 3).
 *
 * @module
 */
import { table } from "./_table.ts";
import { createBenchReport } from "./_report.ts";
import type { Simulator } from "../src/simulate/start_simulator.ts";
import { join } from "node:path";
import { OpencastClient } from "../src/opencast/opencast_client.ts";
import { fetchEpisode } from "../src/opencast/fetch_episode.ts";
import { normalizeActionPage } from "../src/opencast/normalize_action_page.ts";
import type { Episode, UserAction } from "../src/opencast/types.ts";
import { buildRecord } from "../src/record/build_record.ts";
import { formatCompactTimestamp } from "../src/opencast/opencast_time.ts";
import { advanceCheckpoint } from "../src/checkpoint/advance_checkpoint.ts";
import { encodeJsonLines } from "../src/sinks/_json_lines.ts";
import { buildSqsEntries, planSqsBatches } from "../src/sinks/_sqs_batches.ts";
import { mapConcurrent } from "../src/util/map_concurrent.ts";
import {
  PAGE,
  SPAN_END,
  SPAN_SECONDS,
  spanHarvestArgs,
  startSpanSimulator,
  ZONE,
} from "./_workload.ts";

const USER = "opencast_system_account";
const PASSWORD = "bench-password";

const ACTIONS = Number(Deno.env.get("BENCH_ACTIONS") ?? 100_000);
const EPISODES = Number(Deno.env.get("BENCH_EPISODES") ?? 500);
const BATCH_SIZES = (Deno.env.get("BENCH_BATCH_SIZES") ?? "1000,5000,10000")
  .split(",").filter((size) => size.trim() !== "").map(Number);

interface RunResult {
  label: string;
  batchSize: number;
  code: number;
  wallSeconds: number;
  /** The harvester's own `seconds` (without process start-up). */
  harvestSeconds: number;
  actions: number;
  actionRequests: number;
  episodeRequests: number;
  unauthorized: number;
  peakRssKiB: number | null;
  outputBytes: number;
}

const HOME = Deno.env.get("HOME") ?? "/root";
const DENO_DIR = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("XDG_CACHE_HOME") ?? join(HOME, ".cache"), "deno");
const hasGnuTime = await exists("/usr/bin/time");

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs one harvest subprocess and measures it. */
async function harvestOnce(
  sim: Simulator,
  options: {
    label: string;
    batchSize: number;
    dir: string;
    cacheFile: string;
  },
): Promise<RunResult> {
  const { label, batchSize, dir, cacheFile } = options;
  const output = join(dir, `${label}-${batchSize}.jsonl`);
  const timeFile = join(dir, `${label}-${batchSize}.time`);
  const harvestArgs = spanHarvestArgs({
    url: sim.url,
    output: ["--output", `file:${output}`],
    stateFile: join(dir, `${label}-${batchSize}-state.json`),
    cacheFile,
    batchSize,
    extra: ["-u", USER, "-p", PASSWORD, "--log-format", "json"],
  });
  const [program, args] = hasGnuTime
    ? ["/usr/bin/time", [
      "-f",
      "%M",
      "-o",
      timeFile,
      Deno.execPath(),
      ...harvestArgs,
    ]]
    : [Deno.execPath(), harvestArgs];
  sim.resetStats();
  const started = performance.now();
  const child = new Deno.Command(program, {
    args,
    cwd: dir,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: HOME,
      // The module cache must stay where it is: there is no network.
      DENO_DIR: DENO_DIR,
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Without GNU time: sample the high-water mark while the process runs.
  let peakRssKiB: number | null = null;
  const sampler = hasGnuTime ? undefined : setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const kib = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
      if (kib > (peakRssKiB ?? 0)) peakRssKiB = kib;
    } catch {
      // The process is gone.
    }
  }, 20);
  const { code, stderr } = await child.output();
  const wallSeconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const log = new TextDecoder().decode(stderr);
  if (hasGnuTime) {
    peakRssKiB = Number(
      (await Deno.readTextFile(timeFile)).trim().split("\n").at(-1),
    );
  }
  const summary = log.split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((event) =>
      String(event.message ?? "").startsWith("Harvest ") &&
      (event.properties as Record<string, unknown> | undefined)?.actions !==
        undefined
    );
  const properties = (summary?.properties ?? {}) as Record<string, number>;
  if (code !== 0) {
    console.error(`harvest ${label} -b ${batchSize} exited ${code}:\n${log}`);
  }
  const stats = sim.stats();
  let outputBytes = 0;
  try {
    outputBytes = (await Deno.stat(output)).size;
  } catch {
    // No output file: the run failed before writing.
  }
  return {
    label,
    batchSize,
    code,
    wallSeconds,
    harvestSeconds: Number(properties.seconds ?? NaN),
    actions: Number(properties.actions ?? NaN),
    actionRequests: stats.actionRequests,
    episodeRequests: stats.episodeRequests,
    unauthorized: stats.unauthorized,
    peakRssKiB,
    outputBytes,
  };
}

/** Best of `repeat` runs of `fn`, in milliseconds. */
function timeBest(repeat: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** Prints each harvest as it ends: the runs take minutes in all. */
const progress = createBenchReport([]);

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-bench-" });
  const setupStarted = performance.now();
  await using sim = await startSpanSimulator({
    actions: ACTIONS,
    episodes: EPISODES,
    user: USER,
    password: PASSWORD,
    quiet: true,
  });
  console.log(
    `Simulator: ${ACTIONS} actions, ${EPISODES} episodes, Digest auth, generated in ${
      ((performance.now() - setupStarted) / 1000).toFixed(1)
    } s; harvester peak RSS from ${
      hasGnuTime ? "/usr/bin/time -f %M" : "/proc/<pid>/status VmHWM"
    }\n`,
  );
  try {
    const results: RunResult[] = [];
    for (const batchSize of BATCH_SIZES) {
      const cacheFile = join(dir, `episodes-${batchSize}.sqlite`);
      for (const label of ["cold", "warm"]) {
        const result = await harvestOnce(sim, {
          label,
          batchSize,
          dir,
          cacheFile,
        });
        results.push(result);
        progress.progress(
          `harvest ${label} -b ${batchSize}: exit ${result.code}, ${result.actions} actions in ${
            result.wallSeconds.toFixed(2)
          } s`,
        );
      }
    }
    if (results.length > 0) {
      console.log("Harvest (subprocess, file output, embedded cache)");
    }
    if (results.length > 0) {
      console.log(table(
        [
          "run",
          "-b",
          "exit",
          "wall s",
          "harvest s",
          "actions",
          "actions/s (wall)",
          "actions/s (harvest)",
          "action pages",
          "episode reqs",
          "401s",
          "peak RSS MiB",
          "output MiB",
        ],
        results.map((r) => [
          r.label,
          r.batchSize,
          r.code,
          r.wallSeconds.toFixed(2),
          r.harvestSeconds.toFixed(2),
          r.actions,
          Math.round(r.actions / r.wallSeconds),
          Math.round(r.actions / r.harvestSeconds),
          r.actionRequests,
          r.episodeRequests,
          r.unauthorized,
          r.peakRssKiB === null ? "?" : (r.peakRssKiB / 1024).toFixed(0),
          (r.outputBytes / 1024 / 1024).toFixed(1),
        ]),
      ));
    }

    // Micro-benchmarks: the per-action work of one harvest, without I/O.
    const client = new OpencastClient({
      host: sim.url,
      user: USER,
      password: PASSWORD,
    });
    const window = {
      start: formatCompactTimestamp(
        SPAN_END.subtract({ seconds: SPAN_SECONDS }),
        ZONE,
      ),
      end: formatCompactTimestamp(SPAN_END, ZONE),
    };
    const raw = await client.getJson("/usertracking/actions.json", {
      ...window,
      limit: ACTIONS,
      offset: 0,
    });
    const actions: UserAction[] = [
      ...normalizeActionPage(raw, "/usertracking/actions.json").actions,
    ];
    const mpids = [...new Set(actions.map((a) => a.mediapackageId))];
    const found = await mapConcurrent(
      mpids,
      8,
      (id) => fetchEpisode(client, id),
    );
    const episodes = new Map<string, Episode | null>(
      mpids.map((id, i) => [id, found[i] ?? null]),
    );
    const pages: UserAction[][] = [];
    for (let i = 0; i < actions.length; i += PAGE) {
      pages.push(actions.slice(i, i + PAGE));
    }
    const records = actions.map((a) =>
      buildRecord(a, episodes.get(a.mediapackageId) ?? null)
    );
    const recordPages = pages.map((page) =>
      page.map((a) => buildRecord(a, episodes.get(a.mediapackageId) ?? null))
    );
    const per100k = (ms: number) => (ms * 100_000 / actions.length).toFixed(1);
    const repeat = Number(Deno.env.get("BENCH_REPEAT") ?? 3);
    const rows: [string, number][] = [
      [
        "normalizeActionPage (one page of all)",
        timeBest(repeat, () => normalizeActionPage(raw, "/x")),
      ],
      [
        "buildRecord",
        timeBest(repeat, () => {
          for (const a of actions) {
            buildRecord(a, episodes.get(a.mediapackageId) ?? null);
          }
        }),
      ],
      [
        "JSON.stringify per record",
        timeBest(repeat, () => {
          for (const r of records) JSON.stringify(r);
        }),
      ],
      [
        `encodeJsonLines (pages of ${PAGE})`,
        timeBest(repeat, () => {
          for (const page of recordPages) encodeJsonLines(page);
        }),
      ],
      [
        `advanceCheckpoint (pages of ${PAGE})`,
        timeBest(repeat, () => {
          let checkpoint = null;
          for (const page of pages) {
            checkpoint = advanceCheckpoint(checkpoint, page);
          }
        }),
      ],
      [
        `buildSqsEntries + planSqsBatches (pages of ${PAGE})`,
        timeBest(repeat, () => {
          for (const page of recordPages) {
            planSqsBatches(buildSqsEntries(page));
          }
        }),
      ],
      [
        `  same, FIFO`,
        timeBest(repeat, () => {
          for (const page of recordPages) {
            planSqsBatches(buildSqsEntries(page, { fifo: true }));
          }
        }),
      ],
    ];
    console.log(
      `\nPer-action work (in-process, best of ${repeat}, ${actions.length} actions, ${mpids.length} episodes)`,
    );
    console.log(table(
      ["step", "ms total", "ms per 100k"],
      rows.map(([name, ms]) => [name, ms.toFixed(1), per100k(ms)]),
    ));
    console.log(
      `\nTotal bench time ${
        ((performance.now() - benchStarted) / 1000).toFixed(1)
      } s`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) await main();

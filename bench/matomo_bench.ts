/**
 * The Matomo benchmark (part of `deno task bench`): a backfill of the
 * Matomo simulator's actions to stdout through the CLI as cron runs it
 * (`harvest --source matomo`, no engage node), beside a bare loop that
 * fetches and parses the very pages that harvest asked for (the same
 * `Live.getLastVisitsDetails` requests, replayed through the same client and
 * parser), and the ratio between them (target: at least half). Prints
 * numbers; asserts nothing.
 *
 * Options (environment): BENCH_MATOMO_ACTIONS (100000, the simulator's
 * actions: records and actions that are no viewer action alike),
 * BENCH_MATOMO_RUNS (2: the best of each side is taken).
 *
 * @module
 */
import { join } from "node:path";
import { atLeast, createBenchReport } from "./_report.ts";
import { cliArgs } from "../tests/support/run_cli.ts";
import { harvestSummary, runChild } from "./_child.ts";
import { startMatomoSimulator } from "../src/simulate/start_matomo_simulator.ts";
import { MatomoClient } from "../src/source/matomo/matomo_client.ts";
import { normalizeVisits } from "../src/source/matomo/normalize_visits.ts";

const ACTIONS = Number(Deno.env.get("BENCH_MATOMO_ACTIONS") ?? 100_000);
const RUNS = Number(Deno.env.get("BENCH_MATOMO_RUNS") ?? 2);
const SPAN_END = Temporal.Instant.from("2024-11-04T12:00:00Z");
const SPAN_SECONDS = 4 * 3600;
const TOKEN = "bench-matomo-token";

const report = createBenchReport([
  "what",
  "measured",
  "limit in the same run",
  "ratio",
]);
const rate = (n: number) => `${(n / 1000).toFixed(1)}k/s`;

/** One harvest through the CLI; its own seconds and counts from its summary. */
async function harvest(url: string, dir: string) {
  const run = await runChild(
    cliArgs([
      "harvest",
      "--source",
      "matomo",
      "--matomo-url",
      url,
      "-s",
      SPAN_END.subtract({ seconds: SPAN_SECONDS }).toString(),
      "-e",
      SPAN_END.toString(),
      "--output",
      "-",
      "--wait",
      "0",
      "--state-file",
      join(dir, "state.json"),
      "--cache-file",
      join(dir, "cache.sqlite"),
      "--no-progress",
      "--log-format",
      "json",
    ]),
    { MATOMO_TOKEN_AUTH: TOKEN },
    dir,
  );
  if (run.code !== 0) {
    throw new Error(`harvest exited ${run.code}:\n${run.stderr}`);
  }
  const properties = harvestSummary(run.stderr);
  return {
    seconds: Number(properties.seconds),
    records: Number(properties.actions),
    notRecords: Number(properties.notViewerActions),
  };
}

/** Fetches and parses the given requests' pages with the harvest's client. */
async function bareLoop(
  url: string,
  requests: readonly Readonly<Record<string, string>>[],
): Promise<{ seconds: number; actions: number }> {
  const client = new MatomoClient({ url, tokenAuth: TOKEN });
  const started = performance.now();
  let actions = 0;
  for (const request of requests) {
    const { module: _, method, format: __, ...params } = request;
    const visits = normalizeVisits(await client.call(method!, params));
    for (const visit of visits) actions += visit.actions.length;
  }
  return { seconds: (performance.now() - started) / 1000, actions };
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-matomo-bench-" });
  try {
    const setup = performance.now();
    await using sim = await startMatomoSimulator({
      port: 0,
      quiet: true,
      actions: ACTIONS,
      spanEnd: SPAN_END,
      spanSeconds: SPAN_SECONDS,
      tokenAuth: TOKEN,
    });
    report.progress(
      `Matomo simulator ready: ${ACTIONS} actions over ${
        SPAN_SECONDS / 3600
      } h, ${sim.visits().length} visits, in ${
        ((performance.now() - setup) / 1000).toFixed(1)
      } s`,
    );
    let best = { harvest: Infinity, bare: Infinity };
    let counts = { records: 0, notRecords: 0, actions: 0, pages: 0 };
    for (let run = 1; run <= RUNS; run++) {
      sim.resetStats();
      const result = await harvest(sim.url, dir);
      const pages = sim.requestLog().filter((r) =>
        r.method === "Live.getLastVisitsDetails"
      );
      const bare = await bareLoop(sim.url, pages);
      report.progress(
        `run ${run}: harvest ${result.records} records (+${result.notRecords} not viewer actions) in ${
          result.seconds.toFixed(2)
        } s; bare loop ${bare.actions} actions in ${pages.length} pages in ${
          bare.seconds.toFixed(2)
        } s`,
      );
      best = {
        harvest: Math.min(best.harvest, result.seconds),
        bare: Math.min(best.bare, bare.seconds),
      };
      counts = {
        records: result.records,
        notRecords: result.notRecords,
        actions: bare.actions,
        pages: pages.length,
      };
    }
    // Both sides read the same pages: the same Matomo actions.
    const harvestRate = counts.actions / best.harvest;
    const bareRate = counts.actions / best.bare;
    report.row({
      cells: [
        `harvest --source matomo → stdout, ${counts.actions} Matomo actions (${counts.records} records), ${counts.pages} pages`,
        rate(harvestRate),
        `fetch and parse ${rate(bareRate)}`,
        (harvestRate / bareRate).toFixed(2),
      ],
      target: { goal: atLeast(0.5), value: harvestRate / bareRate },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`\n${report.table()}`);
  console.log(report.verdict());
}

if (import.meta.main) await main();

/**
 * Shared pieces of the delivery-guarantee suites: a simulator, the loopback
 * SQS and S3 fakes, the CLI run against them (in process with `run`, as a
 * subprocess with `spawn` for what needs a real process: SIGKILL, two runs
 * at once), and counting what arrived downstream by action id.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type Simulator,
  type SimulatorFlavor,
  startSimulator,
} from "../../src/simulate/start_simulator.ts";
import { type SqsFake, startSqsFake } from "../support/sqs_fake.ts";
import { type S3Fake, startS3Fake } from "../support/s3_fake.ts";
import {
  cliCommand,
  type CliResult,
  decodeOutput,
} from "../support/run_cli.ts";
import {
  type MainRun,
  runMain,
  type RunMainOptions,
  startMain,
} from "../support/run_main.ts";

/** The simulator's zone, passed to the harvester as `--server-timezone`. */
export const ZONE = "America/New_York";
/**
 * Requests a run makes to `/usertracking/actions.json` before its first page:
 * the variant probe of `--opencast-api auto` (one request, one row at most).
 */
export const DETECTION_REQUESTS = 1;
/** The queue every suite sends to. */
export const QUEUE = "actions";
/** The S3 checkpoint location. */
export const BUCKET = "harvest-state";
export const KEY = "last-action-ts";
/** The environment of a run whose checkpoint is the S3 object {@linkcode BUCKET}/{@linkcode KEY}. */
export const S3_CHECKPOINT = {
  S3_HARVEST_TS_BUCKET: BUCKET,
  S3_LAST_ACTION_TS_KEY: KEY,
} as const;

/**
 * A simulator slow enough to stop a run mid-way (1000 actions over a minute,
 * 5 episodes, 100 ms per answer): spread it and override what differs.
 */
export const SLOW = {
  actions: 1000,
  spanSeconds: 60,
  latencyMs: 100,
  episodes: 5,
} as const satisfies FixtureOptions;

/** Options for {@linkcode openFixture}. */
export interface FixtureOptions {
  /** Actions generated at start. @default 1000 */
  readonly actions?: number;
  /** They are spread over this many seconds up to now. @default 120 */
  readonly spanSeconds?: number;
  /** Delay the simulator adds to every answer, to make runs slow enough to interrupt. @default 0 */
  readonly latencyMs?: number;
  /** Episodes (few keep episode lookups short under latency). @default 10 */
  readonly episodes?: number;
  /** Queues created up front. @default [] */
  readonly queues?: readonly string[];
  /** The Opencast variant the simulator plays. @default "dce" */
  readonly flavor?: SimulatorFlavor;
  /** Pins the server clock's seconds in `day` queries. @default {the real clock} */
  readonly daySeconds?: number;
  /** `false`: `/usertracking/*` answers 404. @default true */
  readonly usertracking?: boolean;
  /** The newest generated action's time. @default {now} */
  readonly spanEnd?: Temporal.Instant;
}

/** A simulator, SQS and S3 fakes and a temp dir, disposed together. */
export interface Fixture extends AsyncDisposable {
  readonly sim: Simulator;
  readonly sqs: SqsFake;
  readonly s3: S3Fake;
  /** A fresh temp dir for state files, caches and outputs. */
  readonly dir: string;
  /** The environment a CLI run gets: AWS endpoints, test credentials, XDG dirs. */
  readonly env: Record<string, string>;
  /** `harvest` with the simulator, zone, cache file and no pause between pages. */
  harvestArgs(...more: string[]): string[];
  /**
   * `harvestArgs` to the queue {@linkcode QUEUE} in pages of 100, the last
   * 5 minutes: what most suites run, `more` added.
   */
  queueArgs(...more: string[]): string[];
  /** `dir/checkpoint.json`, for `--state-file`. */
  readonly stateFile: string;
  /**
   * `harvestArgs` to the JSON-lines file `output` with the checkpoint in
   * {@linkcode stateFile}, `more` added.
   */
  fileArgs(output: string, ...more: string[]): string[];
  /** Runs the CLI to completion, in process (`runMain`). */
  run(
    args: readonly string[],
    env?: Record<string, string>,
  ): Promise<CliResult>;
  /**
   * Starts the CLI in process (`startMain`): signals through `kill`, output
   * as it comes. One at a time (runs in process share LogTape).
   */
  start(
    args: readonly string[],
    env?: Record<string, string>,
    options?: Pick<RunMainOptions, "clock">,
  ): MainRun;
  /** Starts the CLI as a subprocess; the caller awaits `done` (and may kill `child` first). */
  spawn(args: readonly string[], env?: Record<string, string>): Spawned;
  /** Action ids of the messages in a queue, in arrival order. */
  queuedIds(queue?: string): number[];
  /** {@linkcode tally} of the queue's ids against every action the simulator has. */
  queuedTally(queue?: string): Tally;
  /**
   * Harvests a window given by `-s`/`-e` (a backfill) into a fresh JSON-lines
   * file: the run's result, the ids the file holds and the ids of the
   * simulator's actions inside the window (both ends included).
   */
  backfill(
    start: string,
    end: string,
    ...more: string[]
  ): Promise<{ result: CliResult; ids: number[]; expected: number[] }>;
}

/** A CLI run in progress. */
export interface Spawned {
  readonly child: Deno.ChildProcess;
  readonly done: Promise<CliResult>;
}

/** Starts the simulator and the fakes; `await using` the result. */
export async function openFixture(
  options: FixtureOptions = {},
): Promise<Fixture> {
  const sim = await startSimulator({
    port: 0,
    actions: options.actions ?? 1000,
    spanSeconds: options.spanSeconds ?? 120,
    latencyMs: options.latencyMs ?? 0,
    episodes: options.episodes ?? 10,
    timezone: ZONE,
    quiet: true,
    flavor: options.flavor,
    daySeconds: options.daySeconds,
    usertracking: options.usertracking,
    spanEnd: options.spanEnd,
  });
  const sqs = await startSqsFake({ queues: options.queues ?? [] });
  const s3 = await startS3Fake();
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-delivery-" });
  const env = {
    AWS_ENDPOINT_URL_SQS: sqs.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: "test",
    // Not "test": secrets are masked in every output, and the paths the
    // errors name hold "test" (the test run's temp dir, the worktree).
    AWS_SECRET_ACCESS_KEY: "fake-secret-key",
    AWS_REGION: "us-east-1",
    XDG_STATE_HOME: join(dir, "state"),
    XDG_CACHE_HOME: join(dir, "cache"),
  };
  const spawned: Spawned[] = [];
  const started: MainRun[] = [];
  let backfills = 0;
  const queuedIds = (queue = QUEUE) =>
    sqs.messages(queue).map((m) => JSON.parse(m.body).action_id as number);
  const harvestArgs = (...more: string[]) => [
    "harvest",
    "-H",
    sim.url,
    "--server-timezone",
    ZONE,
    "--cache-file",
    join(dir, "episodes.sqlite"),
    "--wait",
    "0",
    ...more,
  ];
  return {
    sim,
    sqs,
    s3,
    dir,
    env,
    harvestArgs,
    queueArgs: (...more) =>
      harvestArgs("--queue-name", QUEUE, "-b", "100", "-i", "5", ...more),
    stateFile: join(dir, "checkpoint.json"),
    fileArgs: (output, ...more) =>
      harvestArgs(
        "--output",
        `file:${output}`,
        "--state-file",
        join(dir, "checkpoint.json"),
        ...more,
      ),
    run: (args, extra = {}) =>
      runMain(args, { env: { ...env, ...extra }, cwd: dir }),
    start(args, extra = {}, options = {}) {
      const run = startMain(args, {
        ...options,
        env: { ...env, ...extra },
        cwd: dir,
      });
      started.push(run);
      return run;
    },
    spawn(args, extra = {}) {
      const child = cliCommand(args, { env: { ...env, ...extra }, cwd: dir })
        .spawn();
      const run = { child, done: collect(child) };
      spawned.push(run);
      return run;
    },
    async backfill(start, end, ...more) {
      const output = join(dir, `backfill-${backfills++}.jsonl`);
      const result = await runMain(
        harvestArgs(
          "--output",
          `file:${output}`,
          "-s",
          start,
          "-e",
          end,
          ...more,
        ),
        { env, cwd: dir },
      );
      const from = Temporal.Instant.from(start);
      const to = Temporal.Instant.from(end);
      const expected = sim.actions().filter((a) =>
        Temporal.Instant.compare(a.created, from) >= 0 &&
        Temporal.Instant.compare(a.created, to) <= 0
      ).map((a) => a.id);
      return { result, ids: (await fileIds(output)).ids, expected };
    },
    queuedIds,
    queuedTally: (queue = QUEUE) => tally(queuedIds(queue), simIds(sim)),
    async [Symbol.asyncDispose]() {
      for (const run of started) {
        // A test that failed midway: stop the run as cron's kill would.
        run.kill("SIGTERM");
        await run.done.catch(() => {});
      }
      for (const run of spawned) {
        try {
          run.child.kill("SIGKILL");
        } catch {
          // Already exited.
        }
        await run.done;
      }
      await sim.close();
      await sqs.close();
      await s3.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function collect(child: Deno.ChildProcess): Promise<CliResult> {
  return decodeOutput(await child.output());
}

/** How often each id arrived, against the ids that should have. */
export interface Tally {
  /** Expected ids that never arrived. */
  readonly missing: number[];
  /** Ids that arrived but were not expected. */
  readonly unexpected: number[];
  /** Arrivals beyond the first, summed over ids. */
  readonly duplicates: number;
}

/** The {@linkcode Tally} of ids that all arrived exactly once. */
export const EXACTLY_ONCE: Tally = {
  missing: [],
  unexpected: [],
  duplicates: 0,
};

/**
 * Asserts what a rerun after a crash or a lost lock promises: every action
 * of the simulator arrived, none other, and at most one page of them twice.
 */
export function assertAtMostOnePageRepeated(
  arrived: readonly number[],
  sim: Simulator,
  pageSize: number,
): void {
  const counted = tally(arrived, simIds(sim));
  assert.deepEqual(counted.missing, []);
  assert.deepEqual(counted.unexpected, []);
  assert.ok(
    counted.duplicates <= pageSize,
    `${counted.duplicates} duplicates, at most one page (${pageSize})`,
  );
}

/** Compares arrivals with the expected ids. */
export function tally(
  arrived: readonly number[],
  expected: Iterable<number>,
): Tally {
  const counts = new Map<number, number>();
  for (const id of arrived) counts.set(id, (counts.get(id) ?? 0) + 1);
  const want = new Set(expected);
  return {
    missing: [...want].filter((id) => !counts.has(id)),
    unexpected: [...counts.keys()].filter((id) => !want.has(id)),
    duplicates: arrived.length - counts.size,
  };
}

/** The ids of the simulator's actions: all, or those created at or after `from`. */
export function simIds(sim: Simulator, from?: Temporal.Instant): number[] {
  return sim.actions().filter((a) =>
    from === undefined || Temporal.Instant.compare(a.created, from) >= 0
  ).map((a) => a.id);
}

export { waitFor } from "../support/wait_for.ts";

/** Action ids of a JSON-lines file, and whether it ends in a half line. */
export async function fileIds(
  path: string,
): Promise<{ ids: number[]; tornLine: boolean }> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return { ids: [], tornLine: false };
    }
    throw error;
  }
  const lines = text.split("\n");
  const last = lines.pop();
  return {
    ids: lines.map((line) => JSON.parse(line).action_id as number),
    tornLine: last !== "",
  };
}

/** Non-empty lines of a process's stderr. */
export function stderrLines(result: CliResult): string[] {
  return result.stderr.split("\n").filter((line) => line.trim() !== "");
}

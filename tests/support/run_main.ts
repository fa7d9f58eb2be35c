/**
 * Runs the CLI in this process through `main(args, io)`, with an environment,
 * a working directory and captured streams of its own: what `runCli` checks
 * through a subprocess (exit code, stdout, stderr, files), without starting
 * one. Nothing of the test's own environment leaks in, and nothing of the
 * run's leaks out (`Deno.env` is never touched).
 *
 * Use it for everything that does not need a real process: help, settings,
 * usage errors, harvests against the simulator and the loopback fakes. Keep
 * `runCli` (a subprocess, the binary's permissions) for what only a process
 * shows: real signals, a pseudo-terminal, a closed stdout, lazy loading,
 * the permission set.
 *
 * Runs of one test module share LogTape's configuration, so two runs must not
 * overlap in time (start them one after the other).
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../../main.ts";
import type {
  CliEnvironment,
  CliOutput,
  StopSignal,
} from "../../src/cli/cli_io.ts";
import type { CliResult } from "./run_cli.ts";
import { type Clock, SYSTEM_CLOCK } from "../../src/util/clock.ts";
import { runDir } from "./temp_dir.ts";

/** Options for {@linkcode runMain} and {@linkcode startMain}. */
export interface RunMainOptions {
  /** Environment variables; nothing else of the test's environment leaks in. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory (where `.env` is looked for). @default a fresh temp dir, removed after */
  readonly cwd?: string;
  /** Whether stderr (and stdout) claim to be a terminal, as under `script`. @default {false} */
  readonly terminal?: boolean;
  /** The terminal's width when `terminal` is set. @default 80 */
  readonly columns?: number;
  /** The run's time and pauses (a `TestClock` to drive them). @default SYSTEM_CLOCK */
  readonly clock?: Clock;
}

/** A run in progress, as {@linkcode startMain} returns it. */
export interface MainRun {
  /** Settles with what the run produced once it returns. */
  readonly done: Promise<CliResult>;
  /** Sends the run a SIGINT or SIGTERM, as the process would get it. */
  kill(signal: StopSignal): void;
  /** What the run wrote to stdout so far. */
  stdout(): string;
  /** What the run wrote to stderr so far. */
  stderr(): string;
  /** The exit codes the run asked for at once (a second signal), in order. */
  readonly exits: readonly number[];
}

/** A stream that keeps what is written to it. */
class CapturedOutput implements CliOutput {
  #chunks: Uint8Array[] = [];
  #terminal: boolean;
  constructor(terminal: boolean) {
    this.#terminal = terminal;
  }
  writeSync(bytes: Uint8Array): number {
    this.#chunks.push(bytes.slice());
    return bytes.length;
  }
  write(bytes: Uint8Array): Promise<number> {
    return Promise.resolve(this.writeSync(bytes));
  }
  isTerminal(): boolean {
    return this.#terminal;
  }
  text(): string {
    const decoder = new TextDecoder();
    return this.#chunks.map((chunk) => decoder.decode(chunk, { stream: true }))
      .join("") + decoder.decode();
  }
}

/** An environment that lives in a `Map`: `.env` values land here, not in `Deno.env`. */
function mapEnvironment(values: Readonly<Record<string, string>>) {
  const map = new Map(Object.entries(values));
  return {
    get: (key: string) => map.get(key),
    set: (key: string, value: string) => void map.set(key, value),
    toObject: () => Object.fromEntries(map),
  } satisfies CliEnvironment;
}

/**
 * Starts the CLI in process; await `done` for the outcome. Signals go to this
 * run only, through `kill`.
 *
 * @example
 * ```ts
 * const run = startMain(["harvest", "-H", sim.url], { env });
 * await waitFor(() => run.stderr().includes("Harvesting"), "the start line");
 * run.kill("SIGINT");
 * assert.equal((await run.done).code, 130);
 * ```
 */
export function startMain(
  args: readonly string[],
  options: RunMainOptions = {},
): MainRun {
  const { cwd, owned } = runDir(options.cwd, "ua-harvest-main-");
  const terminal = options.terminal ?? false;
  const stdout = new CapturedOutput(terminal);
  const stderr = new CapturedOutput(terminal);
  const listeners = new Set<(signal: StopSignal) => void>();
  const exits: number[] = [];
  const env = mapEnvironment({
    NO_COLOR: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    // State, caches and home stay inside the run's directory unless the
    // test says where they go.
    HOME: cwd,
    XDG_STATE_HOME: join(cwd, ".state"),
    ...options.env,
  });
  const done = (async () => {
    try {
      const code = await main([...args], {
        env,
        cwd,
        stdout,
        stderr,
        executableDir: undefined,
        columns: () => options.columns ?? 80,
        onStopSignal(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        exit: (code) => void exits.push(code),
        clock: options.clock ?? SYSTEM_CLOCK,
      });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    } finally {
      if (owned) await Deno.remove(owned, { recursive: true });
    }
  })();
  return {
    done,
    kill: (signal) => listeners.forEach((listener) => listener(signal)),
    stdout: () => stdout.text(),
    stderr: () => stderr.text(),
    exits,
  };
}

/**
 * Runs the CLI in process to completion: the same result as `runCli`, with
 * no subprocess.
 *
 * @example
 * ```ts
 * const result = await runMain(["harvest", "--help"]);
 * assert.equal(result.code, 0);
 * ```
 */
export function runMain(
  args: readonly string[],
  options: RunMainOptions = {},
): Promise<CliResult> {
  return startMain(args, options).done;
}

/**
 * What the CLI reads and writes of its process: the environment, the working
 * directory, stdout and stderr, signals and the exit. `main.ts` takes them as
 * one options object whose defaults are the process's own, so a test can run
 * the CLI in process with an environment and streams of its own, and nothing
 * below `main.ts` reaches for `Deno.env`, `Deno.stdout` or `Deno.cwd()`.
 *
 * @module
 */
import { compiledExecutableDir } from "../config/load_env_files.ts";
import { type Clock, SYSTEM_CLOCK } from "../util/clock.ts";

/** The environment, as `Deno.env` offers it (`.env` values are `set` into it). */
export interface CliEnvironment {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  toObject(): Record<string, string>;
}

/** A stream the CLI writes to, as `Deno.stdout` and `Deno.stderr` offer it. */
export interface CliOutput {
  write(bytes: Uint8Array): Promise<number>;
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

/** The signals that stop a run: the first asks it to stop, a second ends it. */
export type StopSignal = "SIGINT" | "SIGTERM";

/** The process as the CLI sees it; see {@linkcode processIo} for the real one. */
export interface CliIo {
  /** @default Deno.env */
  readonly env: CliEnvironment;
  /** Where `.env` is looked for first. @default Deno.cwd() */
  readonly cwd: string;
  /** Records (`--output -`), help, `status`. @default Deno.stdout */
  readonly stdout: CliOutput;
  /** Log lines, the progress line, the fatal line. @default Deno.stderr */
  readonly stderr: CliOutput;
  /**
   * The directory of the compiled binary, whose `.env` is read second.
   * @default compiledExecutableDir() (none under `deno run`)
   */
  readonly executableDir: string | undefined;
  /** The terminal's width, asked only when a stream is a terminal. @default Deno.consoleSize().columns */
  readonly columns: () => number;
  /**
   * Calls `listener` on each SIGINT and SIGTERM until the returned function
   * is called.
   *
   * @default Deno.addSignalListener for both
   */
  readonly onStopSignal: (
    listener: (signal: StopSignal) => void,
  ) => () => void;
  /** Ends the process at once (a second signal). @default Deno.exit */
  readonly exit: (code: number) => void;
  /** The time runs read and the pauses they take (`--wait`). @default SYSTEM_CLOCK */
  readonly clock: Clock;
}

/** The real process: `Deno.env`, `Deno.cwd()`, `Deno.stdout`, signals, `Deno.exit`. */
export function processIo(): CliIo {
  return {
    env: Deno.env,
    cwd: Deno.cwd(),
    stdout: Deno.stdout,
    stderr: Deno.stderr,
    executableDir: compiledExecutableDir(),
    columns: () => Deno.consoleSize().columns,
    onStopSignal(listener) {
      const removers = (["SIGINT", "SIGTERM"] as const).map((signal) => {
        const handler = () => listener(signal);
        Deno.addSignalListener(signal, handler);
        return () => Deno.removeSignalListener(signal, handler);
      });
      return () => removers.forEach((remove) => remove());
    },
    exit: (code) => Deno.exit(code),
    clock: SYSTEM_CLOCK,
  };
}

const encoder = new TextEncoder();

/** Writes all of `text` to `output` before returning. */
export function writeText(output: CliOutput, text: string): void {
  const bytes = encoder.encode(text);
  let written = 0;
  while (written < bytes.length) {
    written += output.writeSync(bytes.subarray(written));
  }
}

/** Writes `text` and a newline to `output`, as `console.log` would. */
export function writeLine(output: CliOutput, text: string): void {
  writeText(output, `${text}\n`);
}

import type { StatusLine } from "../log/status_line.ts";
import type { CliOutput } from "./cli_io.ts";
import type { Clock } from "../util/clock.ts";

/**
 * What `main.ts` hands every command: the signal that asks it to stop, a
 * place to leave its exit code (commands never exit the process themselves),
 * and the process as the run sees it (environment and streams), so no command
 * reads `Deno.env` or writes to `Deno.stdout` itself.
 */
export interface CommandContext {
  /** Aborted on the first SIGINT/SIGTERM: finish the page in flight, save, stop. */
  readonly signal: AbortSignal;
  /** The exit code the command wants; `main.ts` exits with it. */
  exitCode: number;
  /**
   * The version printed by `--version` and written to the last-run record
   * (the HTTP User-Agent takes it from deno.json itself: `OpencastClient`).
   */
  readonly version: string;
  /** Set once logging is configured, so errors go through it (and to Loggly). */
  loggingConfigured: boolean;
  /** The command being run, once commander chose it (for the `--help` hint of an error). */
  command?: string;
  /** The environment, `.env` values included (set by `main.ts` once `.env` was read). */
  env: Readonly<Record<string, string>>;
  /** Records, help and reports. */
  readonly stdout: CliOutput;
  /** Log lines, the progress line, the fatal line. */
  readonly stderr: CliOutput;
  /** The transient line on `stderr` that log lines and records are written around. */
  readonly statusLine: StatusLine;
  /** The time and the pauses of the run. */
  readonly clock: Clock;
  /**
   * Masks the secrets of the settings (passwords, tokens, the passwords of
   * URL settings) in text the command records, such as the last-run
   * record's error line. @default {the text as it is}
   */
  readonly redact?: (text: string) => string;
}

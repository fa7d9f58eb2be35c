/**
 * What `main.ts` hands every command: the signal that asks it to stop, and a
 * place to leave its exit code (commands never exit the process themselves).
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
  /**
   * Masks the secrets of the settings (passwords, tokens, the passwords of
   * URL settings) in text the command records, such as the last-run
   * record's error line. @default {the text as it is}
   */
  readonly redact?: (text: string) => string;
}

import { CommanderError } from "@commander-js/extra-typings";
import { getLogger } from "@logtape/logtape";
import { EXIT_CODES } from "../errors.ts";
import { FATAL_LOG_CATEGORY } from "../log/configure_logging.ts";
import { describeFailure } from "../run_record/describe_failure.ts";
import type { CommandContext } from "./command_context.ts";
import { fatalLine } from "./fatal_line.ts";

/** Options for {@linkcode reportFailure}. */
export interface ReportFailureOptions {
  /**
   * Where the line goes while logging is not configured yet (a bad `.env`).
   *
   * @default writes to stderr
   */
  readonly write?: (text: string) => void;
}

/**
 * Reports what ended a command as one fatal line (see `fatalLine`) and
 * returns the exit code. Commander's own errors were printed as they
 * happened (in the same format); a stop by the first signal is 130 or 143;
 * a typed error its own code; anything else 1, with the stack at debug
 * level. Once logging is configured the line goes through it, so it also
 * reaches Loggly and, with `--log-format json`, is a JSON line.
 *
 * @param error What the command threw.
 * @param context The command's context: its signal, whether logging is on.
 * @param options Where the line goes before logging is configured.
 * @returns The process's exit code.
 */
export function reportFailure(
  error: unknown,
  context: CommandContext,
  options: ReportFailureOptions = {},
): number {
  const {
    write = (text: string) =>
      Deno.stderr.writeSync(new TextEncoder().encode(text)),
  } = options;
  if (error instanceof CommanderError) {
    // Commander already printed its message (or the help text).
    return error.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  }
  const { exitCode, line: message } = describeFailure(error, context.signal);
  const redact = context.redact ?? ((text: string) => text);
  const line = redact(
    fatalLine(message, exitCode, { command: context.command }),
  );
  const stopped = exitCode === EXIT_CODES.interrupted ||
    exitCode === EXIT_CODES.terminated;
  if (context.loggingConfigured) {
    const logger = getLogger(FATAL_LOG_CATEGORY);
    // Never the message as a template: it may quote user text, and `{…}` in
    // it would be taken for placeholders.
    const properties = { line, exitCode };
    if (stopped) logger.warn("{line}", properties);
    else logger.error("{line}", properties);
    if (exitCode === EXIT_CODES.failure) {
      getLogger(["ua-harvest"]).debug("{stack}", {
        stack: (error as Error)?.stack,
      });
    }
  } else {
    write(`${line}\n`);
  }
  return exitCode;
}

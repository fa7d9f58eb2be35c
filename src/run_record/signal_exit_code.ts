import { EXIT_CODES } from "../errors.ts";

/**
 * The exit code of a run a signal stopped, from the signal's abort reason:
 * 130 for SIGINT, 143 for SIGTERM (and any other reason).
 */
export function signalExitCode(reason: unknown): number {
  return reason === "SIGINT" ? EXIT_CODES.interrupted : EXIT_CODES.terminated;
}

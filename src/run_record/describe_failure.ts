import { EXIT_CODES, signalExitCode, UaHarvestError } from "../errors.ts";

/**
 * The exit code and one-line message of a run's error, as `main.ts` reports
 * them: a stop by the first signal (the run rejects with the signal's
 * reason) is 130 or 143, a typed error its own code, anything else 1.
 */
export function describeFailure(
  error: unknown,
  signal?: AbortSignal,
): { readonly exitCode: number; readonly line: string } {
  if (signal?.aborted && error === signal.reason) {
    return {
      exitCode: signalExitCode(error),
      line: `Stopped by ${String(error)}`,
    };
  }
  if (error instanceof UaHarvestError) {
    return { exitCode: error.exitCode, line: error.message };
  }
  return {
    exitCode: EXIT_CODES.failure,
    line: `Unexpected error: ${(error as Error)?.message ?? error}`,
  };
}

/**
 * A `CommandContext` for tests that declare or parse a command without
 * running `main()`: an empty environment and streams that keep nothing.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };
import type { CommandContext } from "../../src/cli/command_context.ts";
import type { CliOutput } from "../../src/cli/cli_io.ts";
import { createStatusLine } from "../../src/log/status_line.ts";
import { SYSTEM_CLOCK } from "../../src/util/clock.ts";

/** A stream that drops what is written to it. */
export const NULL_OUTPUT: CliOutput = {
  write: (bytes) => Promise.resolve(bytes.length),
  writeSync: (bytes) => bytes.length,
  isTerminal: () => false,
};

/**
 * A context as `main.ts` builds it, with `overrides` applied.
 *
 * @example
 * ```ts
 * const options = harvestCommand(testContext()).options;
 * ```
 */
export function testContext(
  overrides: Partial<CommandContext> = {},
): CommandContext {
  return {
    signal: new AbortController().signal,
    exitCode: 0,
    version: denoJson.version,
    loggingConfigured: false,
    env: {},
    stdout: NULL_OUTPUT,
    stderr: NULL_OUTPUT,
    statusLine: createStatusLine({ output: NULL_OUTPUT }),
    clock: SYSTEM_CLOCK,
    ...overrides,
  };
}

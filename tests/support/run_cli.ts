/**
 * Runs the CLI as a subprocess with exactly the permission set the compiled
 * binary gets (`-P`, from deno.json), so a missing permission fails a test
 * instead of a production run.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What a CLI run produced. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for {@linkcode runCli} and {@linkcode spawnCli}. */
export interface RunCliOptions {
  /** Environment variables; nothing else of the test's environment leaks in. @default {} */
  readonly env?: Record<string, string>;
  /** Working directory (where `.env` is looked for). @default a fresh temp dir */
  readonly cwd?: string;
  /**
   * A shell redirection of the CLI's stdout, e.g. `>&-` (closed) or
   * `>/dev/full`; the CLI then runs through `sh -c 'exec … <redirect>'`.
   * @default undefined (stdout piped to the test)
   */
  readonly stdoutRedirect?: string;
}

/** The `deno` arguments that run `main.ts` with the binary's permission set. */
export function cliArgs(args: readonly string[]): string[] {
  return [
    "run",
    "--quiet",
    "-P",
    "--no-prompt",
    "--config",
    join(ROOT, "deno.json"),
    join(ROOT, "main.ts"),
    ...args,
  ];
}

/** The command line that runs `main.ts` like the binary. */
export function cliCommand(
  args: readonly string[],
  options: RunCliOptions = {},
): Deno.Command {
  const home = Deno.env.get("HOME") ?? "/root";
  const denoDir = Deno.env.get("DENO_DIR") ??
    join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno");
  const redirect = options.stdoutRedirect;
  return new Deno.Command(redirect === undefined ? Deno.execPath() : "sh", {
    args: redirect === undefined ? cliArgs(args) : [
      "-c",
      `exec "$@" ${redirect}`,
      "sh",
      Deno.execPath(),
      ...cliArgs(args),
    ],
    cwd: options.cwd ?? Deno.makeTempDirSync({ prefix: "ua-harvest-cli-" }),
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: home,
      DENO_DIR: denoDir,
      NO_COLOR: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs the CLI to completion. */
export async function runCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const output = await cliCommand(args, options).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * Runs the CLI as a subprocess exactly as `deno task ua-harvest` runs it from
 * source, with the permission set the compiled binary gets (`-P`, from
 * deno.json), so a missing permission fails a test instead of a production
 * run. A subprocess costs about half a second: use it only for what needs a
 * real process (signals, a pseudo-terminal, a closed stdout, which modules
 * load, the permission set); `run_main.ts` runs everything else in process.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { runDir } from "./temp_dir.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The `deno` flags of the `ua-harvest` task, e.g. `["run", "--quiet", "-P", "--no-prompt"]`. */
const TASK_FLAGS = taskFlags(denoJson.tasks["ua-harvest"].command);

function taskFlags(command: string): string[] {
  const words = command.trim().split(/\s+/);
  if (words[0] !== "deno" || words[1] !== "run" || words.at(-1) !== "main.ts") {
    throw new Error(
      `The ua-harvest task must read "deno run <flags> main.ts" for the tests to run it: current value is "${command}"`,
    );
  }
  return words.slice(1, -1);
}

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
  /**
   * Working directory (where `.env` is looked for; state goes to its
   * `.state`). Required by `cliCommand`.
   *
   * @default a fresh temp dir, removed after the run (`runCli`)
   */
  readonly cwd?: string;
  /**
   * Runs under a pseudo-terminal (util-linux `script`), so stdout and stderr
   * are terminals and arrive merged in `stdout`, as a person sees them.
   *
   * @default {false}
   */
  readonly terminal?: boolean;
  /**
   * A shell redirection of the CLI's stdout, e.g. `>&-` (closed) or
   * `>/dev/full`; the CLI then runs through `sh -c 'exec … <redirect>'`.
   * @default undefined (stdout piped to the test)
   */
  readonly stdoutRedirect?: string;
  /**
   * More `deno run` flags, before the module (e.g. a `--preload` that
   * watches the run from inside).
   * @default []
   */
  readonly denoFlags?: readonly string[];
}

/**
 * The `deno` arguments that run `main.ts` as the `ua-harvest` task does (the
 * binary's permission set), from any working directory.
 */
export function cliArgs(
  args: readonly string[],
  denoFlags: readonly string[] = [],
): string[] {
  return [
    ...TASK_FLAGS,
    ...denoFlags,
    "--config",
    join(ROOT, "deno.json"),
    join(ROOT, "main.ts"),
    ...args,
  ];
}

/** Quotes a word for `sh`. */
function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command line that runs `main.ts` like the binary, in `options.cwd`. */
export function cliCommand(
  args: readonly string[],
  options: RunCliOptions & { readonly cwd: string },
): Deno.Command {
  const { cwd } = options;
  const command = [Deno.execPath(), ...cliArgs(args, options.denoFlags)];
  const redirect = options.stdoutRedirect;
  // script -e: its exit code is the command's; -f: flush as output arrives.
  // A stdout redirection runs through sh: `exec "$@" >&-`.
  const [program, ...programArgs] = options.terminal
    ? ["script", "-qefc", command.map(shellQuote).join(" "), "/dev/null"]
    : redirect !== undefined
    ? ["sh", "-c", `exec "$@" ${redirect}`, "sh", ...command]
    : command;
  return new Deno.Command(program!, {
    args: programArgs,
    cwd,
    clearEnv: true,
    env: {
      ...denoEnv(),
      NO_COLOR: "1",
      AWS_EC2_METADATA_DISABLED: "true",
      // State (checkpoints, last-run records) stays out of the real $HOME
      // unless a test says where it goes.
      XDG_STATE_HOME: join(cwd, ".state"),
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  });
}

/**
 * What a `deno` subprocess with a cleared environment needs of this one:
 * `PATH`, `HOME`, the module cache (`DENO_DIR`), and `TMPDIR` when the test
 * task set it (so the subprocess's leftovers are caught too).
 */
export function denoEnv(): Record<string, string> {
  const home = Deno.env.get("HOME") ?? "/root";
  const tmp = Deno.env.get("TMPDIR");
  return {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    DENO_DIR: Deno.env.get("DENO_DIR") ??
      join(Deno.env.get("XDG_CACHE_HOME") ?? join(home, ".cache"), "deno"),
    ...(tmp === undefined ? {} : { TMPDIR: tmp }),
  };
}

/** A finished subprocess's exit code and output as text. */
export function decodeOutput(output: Deno.CommandOutput): CliResult {
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs the CLI to completion (in a fresh directory, removed after, unless `cwd` is given). */
export async function runCli(
  args: readonly string[],
  options: RunCliOptions = {},
): Promise<CliResult> {
  const { cwd, owned } = runDir(options.cwd, "ua-harvest-cli-");
  try {
    return decodeOutput(await cliCommand(args, { ...options, cwd }).output());
  } finally {
    if (owned) await Deno.remove(owned, { recursive: true });
  }
}

/** A CLI subprocess started by {@linkcode spawnCli}. */
export interface SpawnedCli extends AsyncDisposable {
  readonly child: Deno.ChildProcess;
}

/**
 * Starts the CLI as a subprocess (piped streams) in a fresh directory unless
 * `cwd` is given. Disposing it kills the process if it still runs, waits for
 * it, and removes the directory it made.
 *
 * @example
 * ```ts
 * await using sim = spawnCli(["simulate", "--port", "0"]);
 * const line = await firstLine(sim.child.stdout);
 * ```
 */
export function spawnCli(
  args: readonly string[],
  options: RunCliOptions = {},
): SpawnedCli {
  const { cwd, owned } = runDir(options.cwd, "ua-harvest-cli-");
  const child = cliCommand(args, { ...options, cwd }).spawn();
  return {
    child,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already exited.
      }
      await child.status;
      // Unread output would keep the streams open.
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
      if (owned) await Deno.remove(owned, { recursive: true });
    },
  };
}

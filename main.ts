/**
 * ua-harvest: harvests Opencast user actions (viewer analytics) and episode
 * metadata. This file only wires: it reads `.env`, declares the commands,
 * configures logging, turns typed errors into one line and an exit code, and
 * handles signals. Everything else lives under `src/`.
 *
 * @module
 */
import { Command } from "@commander-js/extra-typings";
import { dispose } from "@logtape/logtape";
import denoJson from "./deno.json" with { type: "json" };
import { EXIT_CODES } from "./src/errors.ts";
import { loadEnvFiles } from "./src/config/load_env_files.ts";
import { envFileAdditions } from "./src/config/env_file_additions.ts";
import { configureLogging } from "./src/log/configure_logging.ts";
import type { CommandContext } from "./src/cli/command_context.ts";
import { harvestCommand } from "./src/cli/harvest_command.ts";
import { loadEpisodesCommand } from "./src/cli/load_episodes_command.ts";
import { setupCommand } from "./src/cli/setup_command.ts";
import { simulateCommand } from "./src/cli/simulate_command.ts";
import { statusCommand } from "./src/cli/status_command.ts";
import { normalizeOptionSpelling } from "./src/cli/normalize_option_spelling.ts";
import { configureUsageErrors } from "./src/cli/configure_usage_errors.ts";
import { reportFailure } from "./src/cli/report_failure.ts";
import { type CliIo, processIo, writeText } from "./src/cli/cli_io.ts";
import { readOptionsFromEnv } from "./src/cli/read_options_from_env.ts";
import { createStatusLine } from "./src/log/status_line.ts";
import {
  maskSecrets,
  URL_VARIABLES,
  urlSecrets,
} from "./src/log/url_secrets.ts";

const VERSION = denoJson.version;

/** Environment variables whose values must never reach a log line. */
const SECRET_VARIABLES = [
  "MATTERHORN_REST_PASS",
  "ELASTICSEARCH_PASSWORD",
  "ELASTICSEARCH_API_KEY",
  "LOGGLY_TOKEN",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "MATOMO_TOKEN_AUTH",
];

/**
 * Every secret of the settings: the secret variables, `--password`, and the
 * passwords written into URL settings (variables and flags).
 */
function settingSecrets(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): string[] {
  // A token given as a flag is refused, but must not be echoed either.
  const secretFlag = (a: string) =>
    a === "-p" || a === "--password" || /^--matomo[-_]token[-_]auth$/.test(a);
  return [
    ...SECRET_VARIABLES.map((name) => env[name] ?? ""),
    ...args.flatMap((a, i) => secretFlag(a) ? [args[i + 1] ?? ""] : []),
    ...args.flatMap((a) => {
      const equals = a.indexOf("=");
      return equals > 0 && secretFlag(a.slice(0, equals))
        ? [a.slice(equals + 1)]
        : [];
    }),
    ...urlSecrets([...URL_VARIABLES.map((name) => env[name]), ...args]),
  ].filter((secret) => secret.length >= 4);
}

function buildProgram(context: CommandContext, secrets: readonly string[]) {
  const program = new Command("ua-harvest")
    .description(
      "Harvest viewer analytics (user actions) from Opencast into SQS, a file, stdout or " +
        "Elasticsearch, and index episode metadata. Settings come from flags, the environment " +
        "and .env (in that order of precedence).",
    )
    .version(VERSION, "-V, --version")
    .exitOverride()
    .addCommand(asSubcommand(harvestCommand(context)))
    .addCommand(asSubcommand(loadEpisodesCommand(context)))
    .addCommand(asSubcommand(setupCommand(context)))
    .addCommand(asSubcommand(simulateCommand(context)))
    .addCommand(asSubcommand(statusCommand(context)))
    .hook("preAction", async (_program, action) => {
      context.command = action.name();
      const options = action.opts() as {
        logLevel?: "info";
        logFormat?: "text" | "json";
        password?: string;
        caCert?: string;
      };
      const { env } = context;
      await configureLogging({
        level: options.logLevel,
        format: options.logFormat,
        secrets: [...secrets, options.password ?? ""],
        loggly: env.LOGGLY_TOKEN
          ? {
            token: env.LOGGLY_TOKEN,
            tags: (env.LOGGLY_TAGS ?? "").split(",").map((t) => t.trim())
              .filter(Boolean),
            endpoint: env.LOGGLY_URL || undefined,
            caCertPath: options.caCert ?? (env.UA_HARVEST_CA_CERT || undefined),
          }
          : undefined,
        statusLine: context.statusLine,
      });
      context.loggingConfigured = true;
    });
  // Commander echoes values whole, so the settings' secrets are masked.
  configureUsageErrors(program, { redact: context.redact });
  readOptionsFromEnv(program, context.env);
  return program;
}

/** `addCommand` copies no settings: subcommands must throw rather than exit, too. */
function asSubcommand<T extends { exitOverride(): T }>(command: T): T {
  return command.exitOverride();
}

/**
 * Applies `.env` values for variables the environment does not set, and
 * returns the environment the run reads.
 */
function applyEnvFiles(
  args: readonly string[],
  io: CliIo,
): Record<string, string> {
  const index = args.findIndex((a) =>
    a === "--env-file" || a.startsWith("--env-file=")
  );
  const envFile = index < 0
    ? undefined
    : args[index]!.includes("=")
    ? args[index]!.slice("--env-file=".length)
    : args[index + 1];
  const { values } = loadEnvFiles({
    envFile,
    cwd: io.cwd,
    executableDir: io.executableDir,
  });
  // Into the environment itself, not only the run's copy: the AWS SDK reads
  // its credential variables from there.
  const additions = envFileAdditions(io.env.toObject(), values);
  for (const [key, value] of Object.entries(additions)) {
    io.env.set(key, value);
  }
  return io.env.toObject();
}

/** First SIGINT/SIGTERM: stop after the page in flight. A second one: stop now. */
function watchSignals(controller: AbortController, io: CliIo): () => void {
  return io.onStopSignal((signal) => {
    const code = signal === "SIGINT"
      ? EXIT_CODES.interrupted
      : EXIT_CODES.terminated;
    if (controller.signal.aborted) io.exit(code);
    controller.abort(signal);
  });
}

/** Makes commander print help and usage errors to the run's streams. */
function routeCommanderOutput(
  program: ReturnType<typeof buildProgram>,
  io: CliIo,
): void {
  // Not a terminal: commander's own default width (80), as it does for a pipe.
  const width = (output: CliIo["stdout"]) =>
    (output.isTerminal() ? io.columns() : undefined) as number;
  for (const command of [program, ...program.commands]) {
    command.configureOutput({
      writeOut: (text) => writeText(io.stdout, text),
      writeErr: (text) => writeText(io.stderr, text),
      getOutHelpWidth: () => width(io.stdout),
      getErrHelpWidth: () => width(io.stderr),
    });
  }
}

/** Options for {@linkcode main}: the process as the run sees it. */
export type MainOptions = Partial<CliIo>;

/**
 * Runs the CLI with these arguments and returns the exit code (never exits
 * itself, except on a second signal). Tests pass an environment, a working
 * directory and streams of their own; the defaults are the process's.
 */
export async function main(
  args: string[],
  options: MainOptions = {},
): Promise<number> {
  const io: CliIo = { ...processIo(), ...options };
  const controller = new AbortController();
  let secrets: readonly string[] = [];
  const context: CommandContext = {
    signal: controller.signal,
    exitCode: EXIT_CODES.ok,
    version: VERSION,
    loggingConfigured: false,
    env: {},
    stdout: io.stdout,
    stderr: io.stderr,
    statusLine: createStatusLine({ output: io.stderr }),
    clock: io.clock,
    redact: (text) => maskSecrets(text, secrets),
  };
  const stopWatching = watchSignals(controller, io);
  try {
    context.env = applyEnvFiles(args, io);
    secrets = settingSecrets(args, context.env);
    const program = buildProgram(context, secrets);
    routeCommanderOutput(program, io);
    const command = program.commands.find((c) =>
      c.name() === args[0] || c.aliases().includes(args[0] ?? "")
    );
    const declared = command?.options.map((o) =>
      o.long ?? ""
    ).filter(Boolean) ?? [];
    const normalized = command
      ? [args[0]!, ...normalizeOptionSpelling(args.slice(1), declared)]
      : args;
    await program.parseAsync(normalized, { from: "user" });
    return context.exitCode;
  } catch (error) {
    return reportFailure(error, context, {
      write: (text) => writeText(io.stderr, text),
    });
  } finally {
    stopWatching();
    await dispose();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

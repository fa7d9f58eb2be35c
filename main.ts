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
import {
  compiledExecutableDir,
  loadEnvFiles,
} from "./src/config/load_env_files.ts";
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
];

/**
 * Every secret of the settings: the secret variables, `--password`, and the
 * passwords written into URL settings (variables and flags).
 */
function settingSecrets(args: readonly string[]): string[] {
  const env = Deno.env.toObject();
  const passwordFlag = args.findIndex((a) => a === "-p" || a === "--password");
  return [
    ...SECRET_VARIABLES.map((name) => env[name] ?? ""),
    ...(passwordFlag < 0 ? [] : [args[passwordFlag + 1] ?? ""]),
    ...args.flatMap((a) =>
      a.startsWith("--password=") ? [a.slice("--password=".length)] : []
    ),
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
      const env = Deno.env.toObject();
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
      });
      context.loggingConfigured = true;
    });
  // Commander echoes values whole, so the settings' secrets are masked.
  configureUsageErrors(program, { redact: context.redact });
  return program;
}

/** `addCommand` copies no settings: subcommands must throw rather than exit, too. */
function asSubcommand<T extends { exitOverride(): T }>(command: T): T {
  return command.exitOverride();
}

/** Applies `.env` values for variables the real environment does not set. */
function applyEnvFiles(args: readonly string[]): void {
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
    cwd: Deno.cwd(),
    executableDir: compiledExecutableDir(),
  });
  const additions = envFileAdditions(Deno.env.toObject(), values);
  for (const [key, value] of Object.entries(additions)) {
    Deno.env.set(key, value);
  }
}

/** First SIGINT/SIGTERM: stop after the page in flight. A second one: stop now. */
function watchSignals(controller: AbortController): () => void {
  const listeners = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const listener = () => {
      const code = signal === "SIGINT"
        ? EXIT_CODES.interrupted
        : EXIT_CODES.terminated;
      if (controller.signal.aborted) Deno.exit(code);
      controller.abort(signal);
    };
    Deno.addSignalListener(signal, listener);
    return () => Deno.removeSignalListener(signal, listener);
  });
  return () => listeners.forEach((remove) => remove());
}

/** Runs the CLI with these arguments and returns the exit code (never exits itself). */
export async function main(args: string[]): Promise<number> {
  const controller = new AbortController();
  let secrets: readonly string[] = [];
  const context: CommandContext = {
    signal: controller.signal,
    exitCode: EXIT_CODES.ok,
    version: VERSION,
    loggingConfigured: false,
    redact: (text) => maskSecrets(text, secrets),
  };
  const stopWatching = watchSignals(controller);
  try {
    applyEnvFiles(args);
    secrets = settingSecrets(args);
    const program = buildProgram(context, secrets);
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
    return reportFailure(error, context);
  } finally {
    stopWatching();
    await dispose();
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

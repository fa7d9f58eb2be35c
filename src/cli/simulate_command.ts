import { Command, Option } from "@commander-js/extra-typings";
import { runSimulate } from "../simulate/simulate_command.ts";
import { integerParser, secondsParser } from "./_parsers.ts";
import { logFormatOption, logLevelOption } from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";

/** Declares the `simulate` command: a synthetic Opencast engage and admin node. */
export function simulateCommand(context: CommandContext) {
  return new Command("simulate")
    .description(
      "Serve a synthetic Opencast engage and admin API (user actions, episode search, workflows) " +
        "with the same shapes and quirks as a DCE Opencast, for demos, tests and benchmarks.",
    )
    .addOption(
      new Option("--port <port>", "port to listen on (0 picks a free one)")
        .default(8080).argParser(integerParser({ max: 65_535 })),
    )
    .addOption(
      new Option("--seed <n>", "seed of the generated data").default(1)
        .argParser(integerParser()),
    )
    .addOption(
      new Option("--actions <n>", "user actions generated at start").default(
        1000,
      ).argParser(integerParser({ max: 10_000_000 })),
    )
    .addOption(
      new Option("--episodes <n>", "episodes generated").default(50).argParser(
        integerParser({ min: 1, max: 1_000_000 }),
      ),
    )
    .addOption(
      new Option(
        "--span-seconds <s>",
        "the actions are spread over this many seconds up to now",
      ).default(120).argParser(integerParser({ min: 1 })),
    )
    .addOption(
      new Option("--timezone <zone>", "server time zone (IANA name)").default(
        "America/New_York",
      ),
    )
    .addOption(
      new Option("--latency-ms <ms>", "delay added to every answer").default(0)
        .argParser(integerParser({ max: 60_000 })),
    )
    .addOption(
      new Option("--fail-rate <fraction>", "share of requests answered 503")
        .default(0).argParser(secondsParser(1)),
    )
    .addOption(
      new Option("--user <user>", "require HTTP Digest auth with this user"),
    )
    .addOption(new Option("--password <password>", "the password for --user"))
    .addOption(
      new Option(
        "--arrivals-per-second <n>",
        "new actions keep arriving at this rate",
      ).default(0).argParser(integerParser({ max: 100_000 })),
    )
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .action(async (options) => {
      await runSimulate({
        port: options.port,
        seed: options.seed,
        actions: options.actions,
        episodes: options.episodes,
        spanSeconds: options.spanSeconds,
        timezone: options.timezone,
        latencyMs: options.latencyMs,
        failRate: options.failRate,
        user: options.user,
        password: options.password,
        arrivalsPerSecond: options.arrivalsPerSecond,
        signal: context.signal,
      });
    });
}

import { Command, Option } from "@commander-js/extra-typings";
import { runSimulate } from "../simulate/simulate_command.ts";
import {
  SIMULATOR_FLAVORS,
  type SimulatorFlavor,
} from "../simulate/start_simulator.ts";
import { integerParser, secondsParser } from "./_parsers.ts";
import { logFormatOption, logLevelOption } from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";

/** Declares the `simulate` command: a synthetic Opencast engage and admin node. */
export function simulateCommand(context: CommandContext) {
  return new Command("simulate")
    .description(
      "Serve a synthetic Opencast engage and admin API (user actions, episode search, workflows) " +
        "with the same shapes and quirks as the DCE fork or upstream Opencast (--flavor), " +
        "for demos, tests and benchmarks.",
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
      new Option(
        "--flavor <flavor>",
        "which Opencast to play: dce (Harvard's 5.x fork: start/end windows, string counters), " +
          "stock (8-11: start/end ignored), oc12 (12-15: workflows per mediapackage only), " +
          "oc16 (16+: OpenSearch-era search)",
      ).choices(SIMULATOR_FLAVORS).default("dce" as SimulatorFlavor),
    )
    .addOption(
      new Option(
        "--timezone <zone>",
        "server time zone (IANA name); the default is this machine's, as harvest's --server-timezone",
      ).default(Temporal.Now.timeZoneId()),
    )
    .addOption(
      new Option(
        "--day-seconds <s>",
        "pin the seconds (e.g. 30.5) a usertracking day query keeps from the clock: " +
          "the window is D 00:00:s to D 23:59:s (default: the clock's at each request)",
      ).argParser(secondsParser(59.999)),
    )
    .addOption(
      new Option(
        "--order <order>",
        "row order of actions.json: id (primary key) or created (created, id) " +
          "(default: created for dce, id for the others)",
      ).choices(["id", "created"] as const),
    )
    .addOption(
      new Option(
        "--id-nodes <n>",
        "engage nodes writing actions: with more than one, each takes ids in blocks from a shared " +
          "sequence and stamps created with its own clock, so ids do not follow created",
      ).default(1).argParser(integerParser({ min: 1, max: 64 })),
    )
    .addOption(
      new Option(
        "--id-block <n>",
        "ids a node takes from the sequence at a time (EclipseLink's default)",
      ).default(50).argParser(integerParser({ min: 1, max: 1_000_000 })),
    )
    .addOption(
      new Option(
        "--no-usertracking",
        "answer 404 on every /usertracking path, like an Opencast without the plugin",
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
        flavor: options.flavor,
        daySeconds: options.daySeconds,
        order: options.order,
        idNodes: options.idNodes,
        idBlock: options.idBlock,
        usertracking: options.usertracking,
        latencyMs: options.latencyMs,
        failRate: options.failRate,
        user: options.user,
        password: options.password,
        arrivalsPerSecond: options.arrivalsPerSecond,
        signal: context.signal,
      });
    });
}

import { Command, Option } from "@commander-js/extra-typings";
import { ConfigError } from "../errors.ts";
import { runSimulate } from "../simulate/simulate_command.ts";
import { SIMULATOR_FLAVORS } from "../simulate/start_simulator.ts";
import { integerParser, secondsParser } from "./_parsers.ts";
import { logFormatOption, logLevelOption } from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";
import { writeLine } from "./cli_io.ts";

/** Every `--flavor`: the Opencast ones, then a Matomo site. */
const FLAVORS = [...SIMULATOR_FLAVORS, "matomo"] as const;

/** Flags that only an Opencast flavor reads, and only `matomo` reads. */
const OPENCAST_ONLY = [
  "daySeconds",
  "order",
  "idNodes",
  "idBlock",
  "usertracking",
  "user",
  "password",
] as const;
const MATOMO_ONLY = [
  "tokenAuth",
  "siteId",
  "maxActionsPerVisit",
  "visitorLog",
] as const;

/** The flag of an option's attribute name: `idNodes` → `--id-nodes`. */
function flagOf(name: string): string {
  if (name === "usertracking") return "--no-usertracking";
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Declares the `simulate` command: a synthetic Opencast engage and admin
 * node, or (`--flavor matomo`) a Matomo site's reporting API.
 */
export function simulateCommand(context: CommandContext) {
  return new Command("simulate")
    .description(
      "Serve a synthetic Opencast engage and admin API (user actions, episode search, workflows) " +
        "with the same shapes and quirks as the DCE fork or upstream Opencast (--flavor), " +
        "or with --flavor matomo a Matomo 5 reporting API (index.php) over the visits of an " +
        "Opencast 18+ site, for demos, tests and benchmarks. A Matomo simulator's episodes are " +
        "those of an Opencast simulator with the same --seed and --episodes.",
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
        "the actions are spread over this many seconds up to now (with --flavor matomo: 7200 unless given)",
      ).default(120).argParser(integerParser({ min: 1 })),
    )
    .addOption(
      new Option(
        "--flavor <flavor>",
        "which Opencast to play: dce (Harvard's 5.x fork: start/end windows, string counters), " +
          "stock (8-11: start/end ignored), oc12 (12-15: workflows per mediapackage only), " +
          "oc16 (16+: OpenSearch-era search), matomo (a Matomo site of an Opencast 18+ player)",
      ).choices(FLAVORS).default("dce" as (typeof FLAVORS)[number]),
    )
    .addOption(
      new Option(
        "--timezone <zone>",
        "server time zone (IANA name); the default is this machine's, as harvest's --server-timezone " +
          "(with --flavor matomo: the site's zone, Europe/Berlin unless given)",
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
    .addOption(
      new Option(
        "--token-auth <token>",
        "matomo: the token the API accepts, in the POST body only (default: simulator-token)",
      ),
    )
    .addOption(
      new Option("--site-id <n>", "matomo: the site's idSite (default: 1)")
        .argParser(integerParser({ min: 1, max: 1_000_000 })),
    )
    .addOption(
      new Option(
        "--max-actions-per-visit <n>",
        "matomo: visitor_log_maximum_actions_per_visit, actions past it are cut (default: 500)",
      ).argParser(integerParser({ min: 1, max: 1_000_000 })),
    )
    .addOption(
      new Option(
        "--visitor-log <setting>",
        "matomo: enabled, or the visits log deactivated globally or for the site (default: enabled)",
      ).choices(
        ["enabled", "disabled-globally", "disabled-for-site"] as const,
      ),
    )
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .action(async (options, command) => {
      const given = (name: string) =>
        command.getOptionValueSource(name) === "cli" ||
        command.getOptionValueSource(name) === "env";
      if (options.flavor === "matomo") {
        const wrong = OPENCAST_ONLY.find(given);
        if (wrong) {
          throw new ConfigError(
            `${
              flagOf(wrong)
            } applies to the Opencast flavors: leave it out with --flavor matomo`,
          );
        }
        await runSimulate({
          flavor: "matomo",
          port: options.port,
          seed: options.seed,
          actions: options.actions,
          episodes: options.episodes,
          spanSeconds: given("spanSeconds") ? options.spanSeconds : undefined,
          timezone: given("timezone") ? options.timezone : undefined,
          tokenAuth: options.tokenAuth,
          idSite: options.siteId,
          maxActionsPerVisit: options.maxActionsPerVisit,
          visitorLog: options.visitorLog,
          latencyMs: options.latencyMs,
          failRate: options.failRate,
          arrivalsPerSecond: options.arrivalsPerSecond,
          signal: context.signal,
          print: (line) => writeLine(context.stdout, line),
        });
        return;
      }
      const wrong = MATOMO_ONLY.find(given);
      if (wrong) {
        throw new ConfigError(
          `${flagOf(wrong)} applies to --flavor matomo only`,
        );
      }
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
        print: (line) => writeLine(context.stdout, line),
      });
    });
}

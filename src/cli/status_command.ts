import {
  Command,
  InvalidArgumentError,
  Option,
} from "@commander-js/extra-typings";
import { ConfigError } from "../errors.ts";
import { readStatus } from "../status/read_status.ts";
import { checkStatus, type CheckThresholds } from "../status/check_status.ts";
import { formatStatus } from "../status/format_status.ts";
import { parseThreshold, type Threshold } from "../status/parse_threshold.ts";
import { resolveStatusSettings } from "./resolve_status_settings.ts";
import {
  caCertOption,
  envFileOption,
  logFormatOption,
  logLevelOption,
  redisUrlOption,
  s3BucketOption,
  s3KeyOption,
  serverTimezoneOption,
  stateFileOption,
} from "./common_options.ts";
import type { CommandContext } from "./command_context.ts";
import { writeLine } from "./cli_io.ts";

const HELP = `
Without thresholds it prints the status and exits 0. With --max-lag,
--max-age-of-success, -w or -c it is a monitoring check (Nagios, Icinga,
Sensu, Zabbix): one line, then "|" and performance data, and the exit code
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. -w and -c take the lag's threshold
and, after a comma, the age-of-success threshold, as plugin ranges (900 means
alert above 900 s). UNKNOWN: the checkpoint cannot be read, there is none yet
(the harvest never ran), or an age threshold is set and no success is on
record. A mistyped flag exits 2 like every command.

Examples:
  ua-harvest status                                  # for people
  ua-harvest status --json                           # for scripts
  ua-harvest status --max-lag 900 --max-age-of-success 1800
  ua-harvest status -w 300,900 -c 900,1800           # lag and age of success`;

/** Declares the `status` command: the checkpoint, the lock and the last run, read-only. */
export function statusCommand(context: CommandContext) {
  return new Command("status")
    .description(
      "Show where the checkpoint stands, whether a run holds the lock, and how the last run ended; " +
        "or check them against thresholds for monitoring. Reads the same settings as harvest and asks Opencast nothing.",
    )
    .addOption(new Option("--json", "print one JSON object"))
    .addOption(
      new Option(
        "--max-lag <seconds>",
        "CRITICAL when the checkpoint is further behind now (same as the first value of -c)",
      ).argParser(thresholdParser),
    )
    .addOption(
      new Option(
        "--max-age-of-success <seconds>",
        "CRITICAL when the last successful harvest ended longer ago (same as the second value of -c)",
      ).argParser(thresholdParser),
    )
    .addOption(
      new Option(
        "-w, --warning <lag[,age]>",
        "WARNING thresholds: checkpoint lag, age of the last success (seconds or plugin ranges)",
      ).argParser(pairParser),
    )
    .addOption(
      new Option(
        "-c, --critical <lag[,age]>",
        "CRITICAL thresholds, like -w",
      ).argParser(pairParser),
    )
    .addOption(stateFileOption())
    .addOption(s3BucketOption())
    .addOption(s3KeyOption())
    .addOption(redisUrlOption())
    .addOption(serverTimezoneOption())
    .addOption(caCertOption())
    .addOption(envFileOption())
    .addOption(logLevelOption())
    .addOption(logFormatOption())
    .addHelpText("after", HELP)
    .action(async (options) => {
      // What status prints comes from records other runs (or older versions)
      // wrote: the settings' secrets are masked in it, as in every log line.
      const redact = context.redact ?? ((text: string) => text);
      const print = (text: string) => writeLine(context.stdout, redact(text));
      const thresholds = checkThresholds(options);
      const checking = Object.keys(thresholds).length > 0;
      let report;
      try {
        report = await readStatus(resolveStatusSettings({
          options,
          env: context.env,
          localTimeZone: Temporal.Now.timeZoneId(),
        }));
      } catch (error) {
        // A monitoring system reads exit 2 as CRITICAL: settings it cannot
        // use are UNKNOWN to it.
        if (checking && error instanceof ConfigError) {
          print(`UA-HARVEST UNKNOWN - ${error.message}`);
          context.exitCode = 3;
          return;
        }
        throw error;
      }
      const check = checking ? checkStatus(report, thresholds) : undefined;
      if (options.json) {
        print(
          JSON.stringify(
            check
              ? { ...report, check: { state: check.state, line: check.line } }
              : report,
            null,
            2,
          ),
        );
      } else {
        print(check ? check.line : formatStatus(report));
      }
      context.exitCode = check?.exitCode ?? 0;
    });
}

function thresholdParser(value: string): Threshold {
  const threshold = parseThreshold(value);
  if (threshold === null) {
    throw new InvalidArgumentError(
      "expected seconds or a plugin range such as 900, 300:900 or @0:60",
    );
  }
  return threshold;
}

function pairParser(value: string): (Threshold | undefined)[] {
  const parts = value.split(",");
  if (parts.length > 2) {
    throw new InvalidArgumentError(
      "expected at most two thresholds: lag[,age of success]",
    );
  }
  // "-w ,900" sets only the age's threshold.
  return parts.map((part) => part === "" ? undefined : thresholdParser(part));
}

function checkThresholds(options: {
  maxLag?: Threshold;
  maxAgeOfSuccess?: Threshold;
  warning?: (Threshold | undefined)[];
  critical?: (Threshold | undefined)[];
}): CheckThresholds {
  const [lagCritical, ageCritical] = options.critical ?? [];
  if (options.maxLag && lagCritical) {
    throw new ConfigError(
      "--max-lag and -c both set the lag's CRITICAL threshold: give one",
    );
  }
  if (options.maxAgeOfSuccess && ageCritical) {
    throw new ConfigError(
      "--max-age-of-success and -c both set the age's CRITICAL threshold: give one",
    );
  }
  const [lagWarning, ageWarning] = options.warning ?? [];
  const entries = {
    lagWarning,
    lagCritical: lagCritical ?? options.maxLag,
    ageWarning,
    ageCritical: ageCritical ?? options.maxAgeOfSuccess,
  };
  return Object.fromEntries(
    Object.entries(entries).filter(([, value]) => value !== undefined),
  ) as CheckThresholds;
}

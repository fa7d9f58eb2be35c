import { Option } from "@commander-js/extra-typings";
import { parseLogLevel } from "../log/configure_logging.ts";

/** `--env-file`, read by `main.ts` before parsing; declared so `--help` lists it. */
export function envFileOption() {
  return new Option(
    "--env-file <path>",
    "read settings only from this file (default: .env in the working directory, then beside the binary)",
  );
}

/** `--log-level`, bound to `LOG_LEVEL`. */
export function logLevelOption() {
  return new Option("--log-level <level>", "trace, debug, info, warning, error")
    .env("LOG_LEVEL").default("info").argParser(parseLogLevel);
}

/** `--log-format`, bound to `LOG_FORMAT`. */
export function logFormatOption() {
  return new Option(
    "--log-format <format>",
    "text (one readable line per event) or json",
  )
    .env("LOG_FORMAT").choices(["text", "json"] as const).default(
      "text" as const,
    );
}

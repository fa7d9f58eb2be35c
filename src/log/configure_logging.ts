import {
  configure,
  getTextFormatter,
  jsonLinesFormatter,
  type LogLevel,
  type Sink,
  type TextFormatter,
} from "@logtape/logtape";
import { getLogglySink } from "./loggly_sink.ts";
import { redactingFormatter } from "./redacting_formatter.ts";
import type { StatusLine } from "./status_line.ts";
import { stderrStatusLine } from "./stderr_status_line.ts";
import { echoValue } from "../util/echo_value.ts";
import { caHttpClient, fetchThrough } from "../tls/ca_http_client.ts";

/** Options for {@linkcode configureLogging}. */
export interface LoggingOptions {
  /** The lowest level logged. @default "info" */
  readonly level?: LogLevel;
  /** `text`: a human-readable line per event; `json`: one JSON object per line. @default "text" */
  readonly format?: "text" | "json";
  /** Also send events to Loggly when a token is given. @default undefined */
  readonly loggly?: {
    readonly token: string;
    readonly tags: readonly string[];
    readonly endpoint?: string;
    /** CAs trusted in addition to the system's (`UA_HARVEST_CA_CERT`). */
    readonly caCertPath?: string | undefined;
  };
  /** Values that must never appear in a log line (passwords, tokens). @default [] */
  readonly secrets?: readonly string[];
  /**
   * Where the lines go: stderr, written around the progress line so that no
   * log line is glued onto it.
   *
   * @default stderrStatusLine
   */
  readonly statusLine?: StatusLine;
}

const TEXT_FORMATTER = getTextFormatter({
  timestamp: "date-time-tz",
  timeZone: null,
  value: "bare",
  category: (category) => category.slice(1).join(".") || category.join("."),
});

/**
 * The category of the one line that ends a failed run (`reportFailure`):
 * in text format it is printed as it is, without time and level, so it reads
 * the same whether logging was configured when it happened or not.
 */
export const FATAL_LOG_CATEGORY: readonly string[] = ["ua-harvest", "fatal"];

function isFatal(category: readonly string[]): boolean {
  return category.length === FATAL_LOG_CATEGORY.length &&
    category.every((part, i) => part === FATAL_LOG_CATEGORY[i]);
}

/** Text lines; the fatal line bare (see {@linkcode FATAL_LOG_CATEGORY}). */
const TEXT_OR_FATAL_FORMATTER: TextFormatter = (record) =>
  isFatal(record.category)
    ? `${renderBare(record.message)}\n`
    : TEXT_FORMATTER(record);

/**
 * JSON lines whose `message` reads like the text line: LogTape's formatter
 * quotes string values inside the rendered message (`"…/checkpoint.json"`),
 * so the message is rendered bare first. The values stay in `properties`.
 */
const JSON_FORMATTER: TextFormatter = (record) =>
  jsonLinesFormatter({ ...record, message: [renderBare(record.message)] });

function renderBare(message: readonly unknown[]): string {
  return message.map((part, index) =>
    index % 2 === 0 || typeof part === "string"
      ? String(part)
      : JSON.stringify(part)
  ).join("");
}

/**
 * Configures LogTape for the whole process: every module logs under the
 * `ua-harvest` category. Call LogTape's `dispose()` before exiting to flush
 * (Loggly batches included).
 */
export async function configureLogging(
  options: LoggingOptions = {},
): Promise<void> {
  const {
    level = "info",
    format = "text",
    loggly,
    secrets = [],
    statusLine = stderrStatusLine,
  } = options;
  const formatter = redactingFormatter(
    format === "json" ? JSON_FORMATTER : TEXT_OR_FATAL_FORMATTER,
    secrets,
  );
  const encoder = new TextEncoder();
  const sinks: Record<string, Sink> = {
    // Synchronous, so a line is out before the progress line is drawn again.
    stderr: (record) =>
      statusLine.writeLines(encoder.encode(formatter(record))),
  };
  if (loggly) {
    const { caCertPath, ...logglyOptions } = loggly;
    sinks.loggly = getLogglySink({
      ...logglyOptions,
      fetch: fetchThrough(caHttpClient(caCertPath)),
      formatter: redactingFormatter(JSON_FORMATTER, [
        ...secrets,
        loggly.token,
      ]),
    });
  }
  await configure({
    reset: true,
    sinks,
    loggers: [
      {
        category: ["ua-harvest"],
        lowestLevel: level,
        sinks: Object.keys(sinks),
      },
      {
        category: ["logtape", "meta"],
        lowestLevel: "warning",
        sinks: ["stderr"],
      },
    ],
  });
}

/** Parses a `--log-level` / `LOG_LEVEL` value (`warn` is accepted for `warning`). */
export function parseLogLevel(value: string): LogLevel {
  const text = value.trim().toLowerCase();
  const level = text === "warn" ? "warning" : text;
  if (["trace", "debug", "info", "warning", "error", "fatal"].includes(level)) {
    return level as LogLevel;
  }
  throw new RangeError(
    `Cannot set the log level as it must be one of trace, debug, info, warning, error, fatal: current value is "${
      echoValue(value)
    }"`,
  );
}

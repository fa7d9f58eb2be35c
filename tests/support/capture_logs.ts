import { configure, type LogRecord, reset } from "@logtape/logtape";

/**
 * Runs `run` with the `ua-harvest` logs (info and above) captured in memory.
 *
 * @returns What `run` returned, and the records it logged, in order.
 */
export async function captureLogs<T>(
  run: () => Promise<T> | T,
): Promise<[T, LogRecord[]]> {
  const records: LogRecord[] = [];
  await configure({
    reset: true,
    sinks: { memory: (record) => void records.push(record) },
    loggers: [
      { category: ["ua-harvest"], lowestLevel: "info", sinks: ["memory"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: [] },
    ],
  });
  try {
    return [await run(), records];
  } finally {
    await reset();
  }
}

/** A log record's message with its properties filled in. */
export function logLine(record: LogRecord): string {
  return record.message.map(String).join("");
}

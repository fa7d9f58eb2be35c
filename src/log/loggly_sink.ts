import type { LogRecord, Sink, TextFormatter } from "@logtape/logtape";
import { jsonLinesFormatter } from "@logtape/logtape";

/** Options for {@linkcode getLogglySink}. */
export interface LogglySinkOptions {
  /** The Loggly customer token (part of the URL; never logged). */
  readonly token: string;
  /** Tags for every event; `ua-harvest` is always added. @default [] */
  readonly tags?: readonly string[];
  /** The bulk endpoint's base URL. @default "https://logs-01.loggly.com" */
  readonly endpoint?: string;
  /** Events per request. @default 100 */
  readonly batchSize?: number;
  /** How long a batch may wait before it is sent, in ms. @default 2000 */
  readonly flushIntervalMs?: number;
  /** The longest a send (and the final flush) may take, in ms. @default 3000 */
  readonly timeoutMs?: number;
  /** Turns a record into one JSON line. @default jsonLinesFormatter */
  readonly formatter?: TextFormatter;
  /** @default globalThis.fetch */
  readonly fetch?: (
    input: URL | RequestInfo,
    init?: RequestInit,
  ) => Promise<Response>;
}

/**
 * A LogTape sink that sends events to Loggly's HTTP bulk endpoint in batches.
 * Loggly being slow or down never fails the run: a send is bounded by
 * `timeoutMs`, its failure is dropped, and disposal flushes what is left
 * within the same bound.
 */
export function getLogglySink(
  options: LogglySinkOptions,
): Sink & AsyncDisposable {
  const {
    token,
    tags = [],
    endpoint = "https://logs-01.loggly.com",
    batchSize = 100,
    flushIntervalMs = 2000,
    timeoutMs = 3000,
    formatter = jsonLinesFormatter,
    fetch: fetchFn = globalThis.fetch,
  } = options;
  const tagPath = [...new Set(["ua-harvest", ...tags])].map(encodeURIComponent)
    .join(",");
  const url = `${endpoint.replace(/\/+$/, "")}/bulk/${
    encodeURIComponent(token)
  }/tag/${tagPath}/`;
  let buffer: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Set<Promise<void>>();

  function send(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const body = buffer.join("");
    buffer = [];
    const request = fetchFn(url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    }).then((response) => response.body?.cancel(), () => {
      // Dropped on purpose: logging must not fail or slow the harvest.
    }).then(() => {
      pending.delete(request);
    });
    pending.add(request);
  }

  const sink = (record: LogRecord) => {
    buffer.push(formatter(record));
    if (buffer.length >= batchSize) send();
    else if (timer === undefined) {
      timer = setTimeout(send, flushIntervalMs);
      Deno.unrefTimer(timer);
    }
  };
  return Object.assign(sink, {
    async [Symbol.asyncDispose]() {
      send();
      await Promise.all(pending);
    },
  });
}

/**
 * A loopback Prometheus Pushgateway for tests: records every push (method,
 * path, body) and can answer with an error status or not at all.
 *
 * @module
 */

/** One push received. */
export interface Push {
  readonly method: string;
  /** E.g. `/metrics/job/ua_harvest/command/harvest`. */
  readonly path: string;
  readonly contentType: string | null;
  readonly body: string;
}

/** Options for {@linkcode startPushgatewayFake}. */
export interface PushgatewayFakeOptions {
  /** Answer every push with this status. @default 200 */
  readonly status?: number;
  /** Never answer (until closed): for deadlines. @default false */
  readonly hang?: boolean;
}

/** A running fake; close it (or `await using`) when done. */
export interface PushgatewayFake extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pushes: readonly Push[];
  close(): Promise<void>;
}

/** Starts the fake on 127.0.0.1 and a free port. */
export function startPushgatewayFake(
  options: PushgatewayFakeOptions = {},
): Promise<PushgatewayFake> {
  const pushes: Push[] = [];
  const hung = new AbortController();
  const { promise: listening, resolve } = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => resolve() },
    async (request) => {
      const body = await request.text();
      pushes.push({
        method: request.method,
        path: new URL(request.url).pathname,
        contentType: request.headers.get("content-type"),
        body,
      });
      if (options.hang) {
        await new Promise((done) =>
          hung.signal.addEventListener("abort", done, { once: true })
        );
      }
      return new Response(null, { status: options.status ?? 200 });
    },
  );
  let closed: Promise<void> | undefined;
  const close = () => {
    hung.abort();
    closed ??= server.shutdown();
    return closed;
  };
  return listening.then(() => ({
    url: `http://127.0.0.1:${server.addr.port}`,
    pushes,
    close,
    [Symbol.asyncDispose]: close,
  }));
}

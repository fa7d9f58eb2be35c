/**
 * The HTTP server under each simulator (Opencast, Matomo): listen, say where,
 * answer an unexpected failure with a 500, close once.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";

const logger = getLogger(["ua-harvest", "simulate"]);

/** Options for {@linkcode serveSimulator}. */
export interface ServeSimulatorOptions {
  readonly hostname: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Who listens, for the info line: `Simulator`, `Matomo simulator`. */
  readonly name: string;
  /** Log nothing, not even the listening address. */
  readonly quiet: boolean;
  /** Answers one request. */
  readonly handler: (request: Request) => Response | Promise<Response>;
}

/** A listening simulator server. */
export interface SimulatorHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:8080` (an IPv6 host in brackets). */
  readonly url: string;
  readonly port: number;
  /** Stops the server; calling it again returns the same promise. */
  close(): Promise<void>;
}

/**
 * Starts serving and resolves once the server listens.
 *
 * @example Usage
 * ```ts ignore
 * const http = await serveSimulator({ hostname: "127.0.0.1", port: 0, name: "Simulator", quiet: true, handler });
 * http.url; // "http://127.0.0.1:43121"
 * await http.close();
 * ```
 */
export async function serveSimulator(
  options: ServeSimulatorOptions,
): Promise<SimulatorHttpServer> {
  const { hostname, port, name, quiet, handler } = options;
  const { promise, resolve } = Promise.withResolvers<void>();
  const server = Deno.serve({
    hostname,
    port,
    onListen: () => resolve(),
    onError: (error) => {
      logger.error("Simulator request failed: {error}", { error });
      return new Response("Internal Server Error", {
        status: 500,
        headers: { "content-type": "text/plain; charset=utf-8" },
      });
    },
  }, handler);
  await promise;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const url = `http://${host}:${server.addr.port}`;
  if (!quiet) logger.info(`${name} listening on {url}`, { url });
  let closed: Promise<void> | undefined;
  return {
    url,
    port: server.addr.port,
    close: () => closed ??= server.shutdown(),
  };
}

/**
 * A loopback port that was free a moment ago and has no listener now: for
 * a service to start on, or for a client to be refused by at once.
 *
 * @module
 */

/**
 * Binds 127.0.0.1 on a port the system picks, closes it and returns the
 * port. Another process may take it in between: a server started on it
 * should retry on a fresh one.
 *
 * @example
 * ```ts
 * const refused = `http://127.0.0.1:${freePort()}`;
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

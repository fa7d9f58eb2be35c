/**
 * A loopback TCP server that takes one connection and plays a script on
 * it: for a peer that answers something no real service would, or hangs up
 * at a chosen moment.
 *
 * @module
 */

/** A server waiting for, or serving, its one connection. */
export interface OneConnectionServer extends AsyncDisposable {
  /** The 127.0.0.1 port it listens on. */
  readonly port: number;
}

/**
 * Listens on a free 127.0.0.1 port, accepts one connection, runs `script`
 * on it and then closes it. Disposing stops listening and waits for the
 * script to end.
 *
 * @example
 * ```ts
 * await using server = serveOneConnection(async (conn) => {
 *   await conn.read(new Uint8Array(4096));
 *   await conn.write(new TextEncoder().encode("-ERR no\r\n"));
 * });
 * ```
 */
export function serveOneConnection(
  script: (conn: Deno.Conn) => Promise<void>,
): OneConnectionServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    try {
      await script(conn);
    } finally {
      try {
        conn.close();
      } catch {
        // Closed by the script.
      }
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served;
    },
  };
}

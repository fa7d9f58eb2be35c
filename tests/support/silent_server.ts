/**
 * A loopback TCP server that accepts every connection and never answers: a
 * stand-in for a frozen service (a host stopped with SIGSTOP, a hung proxy),
 * so tests can check that every call gives up within its deadline.
 *
 * @module
 */

/** A running silent server. */
export interface SilentServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
}

/** How the silent server behaves before it falls silent. */
export interface SilentServerOptions {
  /**
   * Written back once on each connection, after its first bytes arrive,
   * before the silence: e.g. `"+PONG\r\n"` for a Redis that answers the
   * login and then freezes.
   * @default undefined (nothing is ever answered)
   */
  readonly firstAnswer?: string;
}

/** Starts the server on a free 127.0.0.1 port; dispose it to close every connection. */
export function startSilentServer(
  options: SilentServerOptions = {},
): SilentServer {
  const firstAnswer = options.firstAnswer === undefined
    ? undefined
    : new TextEncoder().encode(options.firstAnswer);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const open: Deno.Conn[] = [];
  let accepted = 0;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        accepted++;
        open.push(conn);
        // Read and drop what arrives, so the client's writes never block.
        (async () => {
          const buffer = new Uint8Array(16 * 1024);
          let answer = firstAnswer;
          try {
            while (await conn.read(buffer) !== null) {
              if (answer !== undefined) await conn.write(answer);
              answer = undefined;
            }
          } catch {
            // Closed by dispose.
          }
        })();
      }
    } catch {
      // Closed by dispose.
    }
  })();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return accepted;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of open) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await accepting;
    },
  };
}

/**
 * A TCP proxy that holds every chunk for a while in each direction: a
 * service on loopback answering as one across a network would (S3 or SQS
 * from an instance in the same region, a Redis on another host), whatever
 * its protocol.
 *
 * @module
 */

/** A running proxy. */
export interface LatencyProxy extends AsyncDisposable {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
}

/**
 * Listens on a free loopback port and forwards each connection to `port`,
 * delaying every chunk by half of `roundTripMs` on its way there and half on
 * its way back (in order), so a request and its answer take `roundTripMs`
 * longer; a new connection costs one round trip too.
 */
export function startLatencyProxy(
  port: number,
  roundTripMs: number,
): LatencyProxy {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const connections = new Set<Deno.Conn>();
  const pipes = new Set<Promise<unknown>>();
  const oneWay = roundTripMs / 2;
  const delayed = () =>
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        await new Promise((resolve) => setTimeout(resolve, oneWay));
        controller.enqueue(chunk);
      },
    });
  async function serve(client: Deno.Conn) {
    await new Promise((resolve) => setTimeout(resolve, roundTripMs));
    const server = await Deno.connect({ hostname: "127.0.0.1", port });
    connections.add(server);
    await Promise.allSettled([
      client.readable.pipeThrough(delayed()).pipeTo(server.writable),
      server.readable.pipeThrough(delayed()).pipeTo(client.writable),
    ]);
  }
  const accepting = (async () => {
    for await (const client of listener) {
      connections.add(client);
      const pipe = serve(client).catch(() => {});
      pipes.add(pipe);
      pipe.finally(() => pipes.delete(pipe));
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const connection of connections) {
        try {
          connection.close();
        } catch {
          // Closed by its pipe already.
        }
      }
      await Promise.allSettled([accepting, ...pipes]);
    },
  };
}

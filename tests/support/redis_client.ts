/**
 * A throwaway Redis server and an ioredis client on it, closed together: the
 * set-up every Redis cache and lock test starts from.
 *
 * @module
 */
import { Redis } from "ioredis";
import { type RedisServer, startRedisServer } from "./redis_server.ts";

/** The server, and a client the test can look behind the code's back with. */
export interface RedisWithClient extends AsyncDisposable {
  readonly server: RedisServer;
  readonly client: Redis;
}

/**
 * Starts a Redis server and connects a client; disposing quits the client,
 * then stops the server.
 *
 * @example
 * ```ts
 * await using redis = await startRedisWithClient();
 * await redis.client.set("k", "v");
 * ```
 */
export async function startRedisWithClient(): Promise<RedisWithClient> {
  const server = await startRedisServer();
  const client = new Redis(server.url);
  return {
    server,
    client,
    async [Symbol.asyncDispose]() {
      try {
        await client.quit();
      } finally {
        await server[Symbol.asyncDispose]();
      }
    },
  };
}

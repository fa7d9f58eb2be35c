/**
 * A throwaway Redis server and a client on it, closed together: the set-up
 * every Redis cache and lock test starts from.
 *
 * @module
 */
import { connectRedis } from "../../src/redis/connect_redis.ts";
import type { RedisClient } from "../../src/redis/redis_client.ts";
import { type RedisServer, startRedisServer } from "./redis_server.ts";

/** The server, and a client the test can look behind the code's back with. */
export interface RedisWithClient extends AsyncDisposable {
  readonly server: RedisServer;
  readonly client: RedisClient;
}

/**
 * Starts a Redis server and connects a client; disposing quits the client,
 * then stops the server.
 *
 * @example
 * ```ts
 * await using redis = await startRedisWithClient();
 * await redis.client.send(["SET", "k", "v"]);
 * ```
 */
export async function startRedisWithClient(): Promise<RedisWithClient> {
  const server = await startRedisServer();
  const client = await connectRedis({ url: server.url });
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

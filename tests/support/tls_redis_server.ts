/**
 * A real `redis-server` that also speaks TLS, with a certificate signed by
 * a private CA made for the test: for rediss:// and UA_HARVEST_CA_CERT.
 *
 * @module
 */
import { join } from "node:path";
import { freePort } from "./free_port.ts";
import { createPrivateCa, type PrivateCa } from "./private_ca.ts";
import {
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from "./redis_server.ts";

/** A Redis server listening on a plain port and on a TLS port. */
export interface TlsRedisServer extends RedisServer {
  /** The loopback port that speaks TLS (`rediss://127.0.0.1:<tlsPort>`). */
  readonly tlsPort: number;
  /** The CA that signed its certificate (`ca.caPath` is the bundle to trust). */
  readonly ca: PrivateCa;
}

/**
 * Makes a private CA in `dir` (the caller removes `dir`) and starts Redis
 * with its server certificate on an extra TLS port, clients not asked for
 * a certificate. Needs openssl (`HAS_OPENSSL`).
 *
 * @example
 * ```ts
 * await withTempDir(async (dir) => {
 *   await using redis = await startTlsRedisServer(dir);
 *   const url = `rediss://127.0.0.1:${redis.tlsPort}`;
 * });
 * ```
 */
export async function startTlsRedisServer(
  dir: string,
  options: RedisServerOptions = {},
): Promise<TlsRedisServer> {
  // createPrivateCa() leaves server.pem and server.key in `dir`.
  const ca = await createPrivateCa(dir);
  const tlsPort = freePort();
  const server = await startRedisServer({
    ...options,
    args: [
      "--tls-port",
      String(tlsPort),
      "--tls-cert-file",
      join(dir, "server.pem"),
      "--tls-key-file",
      join(dir, "server.key"),
      "--tls-auth-clients",
      "no",
      ...(options.args ?? []),
    ],
  });
  return Object.assign(server, { tlsPort, ca });
}

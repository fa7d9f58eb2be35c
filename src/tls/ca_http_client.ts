import { readCaCert } from "./read_ca_cert.ts";

const clients = new Map<string, Deno.HttpClient>();

/**
 * What `fetch` needs to trust the CA bundle of `UA_HARVEST_CA_CERT`
 * (`--ca-cert`) in addition to the system's: a `Deno.HttpClient` to pass as
 * `fetch(url, { client })`; `undefined` without a path (the system's CAs
 * only). Every `fetch` of the tool takes it from here (Opencast, Loggly,
 * Matomo). One client per bundle for the whole process, so connections are
 * reused; it lives as long as the process.
 *
 * @example
 * ```ts ignore
 * const client = caHttpClient(settings.caCertPath);
 * await fetch(url, client ? { client } : {});
 * ```
 *
 * @throws {ConfigError} when the bundle cannot be read (see `readCaCert()`)
 */
export function caHttpClient(
  path: string | undefined,
): Deno.HttpClient | undefined {
  if (path === undefined) return undefined;
  let client = clients.get(path);
  if (client === undefined) {
    client = Deno.createHttpClient({ caCerts: [readCaCert(path)] });
    clients.set(path, client);
  }
  return client;
}

/** A `fetch` that sends every request through `client` (when there is one). */
export function fetchThrough(
  client: Deno.HttpClient | undefined,
): (input: URL | RequestInfo, init?: RequestInit) => Promise<Response> {
  return client === undefined
    ? (input, init) => fetch(input, init)
    : (input, init) => fetch(input, { ...init, client });
}

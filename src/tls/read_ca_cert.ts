/**
 * Reads the private CA bundle of `UA_HARVEST_CA_CERT` (`--ca-cert`): PEM
 * certificates trusted in addition to the system's for every https
 * connection the tool makes.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** How the setting is named in messages. */
export const CA_CERT_SETTING = "UA_HARVEST_CA_CERT (or --ca-cert)";

const cache = new Map<string, string>();

/**
 * The PEM text of the bundle at `path`, read once per process.
 *
 * @throws {ConfigError} when the file cannot be read or holds no PEM
 * certificate
 */
export function readCaCert(path: string): string {
  const known = cache.get(path);
  if (known !== undefined) return known;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new ConfigError(
      `Cannot read ${CA_CERT_SETTING} ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!text.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(
      `${CA_CERT_SETTING} ${path} holds no PEM certificate (-----BEGIN CERTIFICATE-----): give the CA bundle in PEM form`,
    );
  }
  cache.set(path, text);
  return text;
}

/**
 * The `ca` option of clients built on `node:tls` (the AWS SDK, the
 * Pushgateway, the Elasticsearch client): the bundle at `path`; `undefined`
 * without a path. Under Deno, `node:tls` hands `ca` to Deno's TLS as extra
 * roots (`caCerts`: in addition to the default ones), unlike Node, where it
 * replaces them; `tls.rootCertificates` is not added because reading it
 * needs every system permission.
 */
export function caBundle(path: string | undefined): string[] | undefined {
  return path === undefined ? undefined : [readCaCert(path)];
}

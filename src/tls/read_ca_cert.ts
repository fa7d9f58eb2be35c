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
 * Where operating systems keep their CA bundle in PEM form: `SSL_CERT_FILE`
 * first, as OpenSSL reads it, then Debian/Ubuntu, RHEL/Amazon Linux,
 * openSUSE, Alpine/macOS.
 */
export const SYSTEM_CA_BUNDLES: readonly string[] = [
  "/etc/ssl/certs/ca-certificates.crt",
  "/etc/pki/tls/certs/ca-bundle.crt",
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
  "/etc/ssl/ca-bundle.pem",
  "/etc/ssl/cert.pem",
];

/** Options for {@linkcode caBundle}. */
export interface CaBundleOptions {
  /**
   * Where to look for the system's CAs, in order; the first readable one is
   * used. @default {`SSL_CERT_FILE`, then {@linkcode SYSTEM_CA_BUNDLES}}
   */
  readonly systemBundles?: readonly string[];
}

/**
 * The `ca` option of clients built on `node:tls` (the Pushgateway push, the
 * Elasticsearch client): the bundle at `path` **and** the system's CAs;
 * `undefined` without a path. As in Node, `ca` replaces the default roots for
 * those connections (measured with Deno 2.9.6: a public host fails once `ca`
 * is set), so the system's bundle file goes in too, and a private CA is
 * trusted in addition to the public ones, as `fetch` does with
 * `caHttpClient()`. (`tls.rootCertificates` would need every system
 * permission.) Without any readable system bundle, only the private one.
 */
export function caBundle(
  path: string | undefined,
  options: CaBundleOptions = {},
): string[] | undefined {
  if (path === undefined) return undefined;
  const system = systemCaBundle(options.systemBundles ?? defaultBundles());
  return system === undefined ? [readCaCert(path)] : [readCaCert(path), system];
}

function defaultBundles(): readonly string[] {
  const fromEnv = Deno.env.get("SSL_CERT_FILE");
  return fromEnv ? [fromEnv, ...SYSTEM_CA_BUNDLES] : SYSTEM_CA_BUNDLES;
}

const systemBundles = new Map<string, string | undefined>();

function systemCaBundle(paths: readonly string[]): string | undefined {
  const key = paths.join("\n");
  if (systemBundles.has(key)) return systemBundles.get(key);
  let found: string | undefined;
  for (const path of paths) {
    try {
      const text = Deno.readTextFileSync(path);
      if (text.includes("-----BEGIN CERTIFICATE-----")) {
        found = text;
        break;
      }
    } catch {
      // Not on this system: the next place.
    }
  }
  systemBundles.set(key, found);
  return found;
}

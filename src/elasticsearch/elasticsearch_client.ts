import { Client } from "@elastic/elasticsearch";
import { ConfigError } from "../errors.ts";
import { parseElasticsearchHost } from "./_parse_host.ts";
import { caBundle } from "../tls/read_ca_cert.ts";

/** How to reach and authenticate to an Elasticsearch 8/9 cluster. */
export interface ElasticsearchClientOptions {
  /**
   * `ELASTICSEARCH_HOST`: `host:port` as in the original (`http://` is
   * assumed), or a URL (`https://es.example.edu:9200`).
   */
  host: string;
  /** `ELASTICSEARCH_USERNAME`, for HTTP Basic; needs `password`. */
  username?: string;
  /** `ELASTICSEARCH_PASSWORD`, for HTTP Basic; needs `username`. */
  password?: string;
  /** `ELASTICSEARCH_API_KEY`: the encoded API key (as Kibana shows it). */
  apiKey?: string;
  /** `ELASTICSEARCH_CA_CERT`: path to a PEM CA certificate to trust for https. */
  caCertPath?: string;
  /**
   * `UA_HARVEST_CA_CERT`: a PEM bundle of CAs trusted in addition to the
   * system's, when there is no `caCertPath`.
   */
  sharedCaCertPath?: string;
  /** Timeout of one request, in milliseconds. @default 30000 */
  requestTimeoutMs?: number;
  /** Retries of a request after a connection error or a 502/503/504. @default 3 */
  maxRetries?: number;
}

/**
 * Creates an `@elastic/elasticsearch` client from validated settings. Does no
 * network I/O (call {@linkcode checkElasticsearch} next); reads the CA
 * certificate file when one is given.
 *
 * Credentials written into the host URL are moved into the client's auth
 * option, so the URL the client reports (and our messages quote) holds none.
 *
 * @throws {ConfigError} when the settings are incomplete or contradictory
 */
export function createElasticsearchClient(
  options: ElasticsearchClientOptions,
): Client {
  const {
    caCertPath,
    requestTimeoutMs = 30_000,
    maxRetries = 3,
  } = options;
  const { url, username: urlUser, password: urlPassword } =
    parseElasticsearchHost(options.host);
  const username = options.username || urlUser;
  const password = options.password || urlPassword;
  const apiKey = options.apiKey || undefined;
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigError(
      "Cannot authenticate to Elasticsearch with only one of ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD: set both",
    );
  }
  if (username !== undefined && apiKey !== undefined) {
    throw new ConfigError(
      "Cannot use both ELASTICSEARCH_USERNAME/ELASTICSEARCH_PASSWORD and ELASTICSEARCH_API_KEY: set one of them",
    );
  }
  if (!(requestTimeoutMs > 0)) {
    throw new ConfigError(
      `Cannot use an Elasticsearch request timeout of ${requestTimeoutMs} ms: it must be positive`,
    );
  }
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw new ConfigError(
      `Cannot use ${maxRetries} Elasticsearch retries: it must be a whole number of 0 or more`,
    );
  }
  let ca: string | string[] | undefined;
  if (!caCertPath && options.sharedCaCertPath) {
    ca = caBundle(options.sharedCaCertPath);
  } else if (caCertPath) {
    try {
      ca = Deno.readTextFileSync(caCertPath);
    } catch (error) {
      throw new ConfigError(
        `Cannot read ELASTICSEARCH_CA_CERT ${caCertPath}: ${
          (error as Error).message
        }`,
        { cause: error },
      );
    }
  }
  return new Client({
    node: url,
    auth: apiKey !== undefined
      ? { apiKey }
      : username !== undefined
      ? { username, password: password! }
      : undefined,
    tls: ca !== undefined ? { ca } : undefined,
    requestTimeout: requestTimeoutMs,
    maxRetries,
  });
}

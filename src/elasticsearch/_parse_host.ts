import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";

/** `ELASTICSEARCH_HOST` split into a credential-free URL and the credentials. */
export interface ParsedElasticsearchHost {
  /** The origin and path, never with credentials. */
  url: string;
  /** A user name written into the URL, decoded. */
  username?: string;
  /** A password written into the URL, decoded. */
  password?: string;
}

/**
 * Parses `ELASTICSEARCH_HOST`: `host:port` (the original's form, `http://`
 * assumed) or an `http(s)` URL. Pure.
 *
 * @throws {ConfigError} when the value is empty or not a usable address
 */
export function parseElasticsearchHost(host: string): ParsedElasticsearchHost {
  const trimmed = host.trim();
  if (trimmed === "") {
    throw new ConfigError(
      "Cannot connect to Elasticsearch without an address: set ELASTICSEARCH_HOST or --es_host",
    );
  }
  const echo = () => JSON.stringify(echoValue(redactUrl(trimmed)));
  if (/^[a-z][a-z0-9+.-]*\/\//i.test(trimmed)) {
    // `http//host` would read as host "http" with the rest as a path.
    throw new ConfigError(
      `ELASTICSEARCH_HOST ${echo()} lacks the ':' after its scheme: give host:port or an http(s) URL like https://es.example.edu:9200`,
    );
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)
    ? trimmed
    : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConfigError(
      `Cannot parse ELASTICSEARCH_HOST: give host:port or an http(s) URL`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      `Cannot connect to Elasticsearch over ${url.protocol}: ELASTICSEARCH_HOST must be host:port or an http(s) URL`,
    );
  }
  if (`${url.pathname}${url.search}${url.hash}`.includes("@")) {
    // A user and password written wrong end up in the path, to be echoed.
    throw new ConfigError(
      `ELASTICSEARCH_HOST ${echo()} has an '@' after its host: give host:port or an http(s) URL, with the user and password (if any) before the host or in ELASTICSEARCH_USERNAME and ELASTICSEARCH_PASSWORD`,
    );
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = "";
  url.password = "";
  const text = url.pathname === "/" ? url.origin : url.origin + url.pathname;
  return { url: text, username, password };
}

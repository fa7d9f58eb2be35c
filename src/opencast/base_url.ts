/**
 * Turns an Opencast host setting into the base URL every request starts from.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { echoValue } from "../util/echo_value.ts";
import { redactUrl } from "../util/redact_url.ts";

/** Options for {@linkcode opencastBaseUrl}. */
export interface OpencastBaseUrlOptions {
  /**
   * What to call the setting in an error message, e.g.
   * `MATTERHORN_ENGAGE_HOST`.
   *
   * @default "Opencast host"
   */
  readonly setting?: string;
}

const SCHEME_REGEXP = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * Parses an Opencast host setting. A bare host (`matterhorn.example.edu`,
 * `host:8080`, even `host/prefix`) gets `http://` in front, as the original
 * harvester did; a full `http://` or `https://` URL is kept, path prefix
 * included. The result's path always ends with `/`.
 *
 * @example Usage
 * ```ts
 * opencastBaseUrl("matterhorn.example.edu:8080").href; // "http://matterhorn.example.edu:8080/"
 * ```
 *
 * @throws {ConfigError} When the value is empty, uses another scheme, carries
 * credentials, a query or a fragment, or is not a host name at all.
 */
export function opencastBaseUrl(
  host: string,
  options: OpencastBaseUrlOptions = {},
): URL {
  const { setting = "Opencast host" } = options;
  const value = host.trim();
  if (value === "") {
    throw new ConfigError(
      `${setting} is empty: set it to a host name like matterhorn.example.edu or an https:// URL`,
    );
  }
  const scheme = SCHEME_REGEXP.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") {
    throw new ConfigError(
      `${setting} uses the scheme "${scheme}": use a bare host name or an http:// or https:// URL`,
    );
  }
  let url: URL;
  try {
    url = new URL(scheme === undefined ? `http://${value}` : value);
  } catch {
    throw new ConfigError(
      `${setting} ${
        JSON.stringify(echoValue(redactUrl(value)))
      } is not a host name or an http(s) URL: use a value like matterhorn.example.edu or https://host:8443`,
    );
  }
  if (url.username !== "" || url.password !== "" || value.includes("@")) {
    // Never echo the value: it holds a password (or, written wrong, as
    // `http//user:password@host`, what looks like one in its path).
    throw new ConfigError(
      `${setting} contains credentials: remove them from the URL and set the Opencast user and password settings instead`,
    );
  }
  if (url.hostname === "" || /\s/.test(value)) {
    throw new ConfigError(
      `${setting} ${
        JSON.stringify(echoValue(value))
      } is not a host name or an http(s) URL: use a value like matterhorn.example.edu`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(
      `${setting} ${
        JSON.stringify(echoValue(value))
      } has a query or fragment: give only the host and an optional path prefix`,
    );
  }
  if (!url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  return url;
}

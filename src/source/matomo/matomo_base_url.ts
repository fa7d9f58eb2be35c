/**
 * Turns `MATOMO_URL` into the URL of Matomo's API endpoint, `index.php`.
 *
 * @module
 */
import { ConfigError } from "../../errors.ts";
import { echoValue } from "../../util/echo_value.ts";

/**
 * The `index.php` URL of a Matomo base URL: `https://matomo.example.edu`,
 * `https://example.edu/analytics/` (a path prefix), or one that already
 * ends in `index.php`.
 *
 * @example Usage
 * ```ts
 * matomoApiUrl("https://example.edu/matomo").href; // "https://example.edu/matomo/index.php"
 * ```
 *
 * @throws {ConfigError} When the value is empty, not an http(s) URL, or
 * carries credentials (never echoed), a query or a fragment.
 */
export function matomoApiUrl(value: string): URL {
  const text = value.trim();
  const example = "a URL like https://matomo.example.edu/";
  if (text === "") {
    throw new ConfigError(`MATOMO_URL is empty: set it to ${example}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(
      `MATOMO_URL ${
        JSON.stringify(echoValue(text))
      } is not a URL: set it to ${example}`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigError(
      "MATOMO_URL contains credentials: remove them (the token goes in MATOMO_TOKEN_AUTH)",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(
      `MATOMO_URL uses the scheme ${
        JSON.stringify(url.protocol.slice(0, -1))
      }: set it to ${example}`,
    );
  }
  if (url.search !== "" || url.hash !== "") {
    throw new ConfigError(
      `MATOMO_URL ${
        JSON.stringify(echoValue(text))
      } has a query or fragment: give only Matomo's base URL, e.g. https://matomo.example.edu/`,
    );
  }
  const path = url.pathname.replace(/index\.php$/, "").replace(/\/*$/, "/");
  return new URL(`${path}index.php`, url);
}

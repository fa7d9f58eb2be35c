/**
 * The one function that takes the user information out of a URL before it is
 * echoed anywhere (logs, errors, the last-run record, `status`, option
 * messages).
 *
 * @module
 */

/**
 * A scheme and its slashes, also written wrong (`http://`, `http:/`,
 * `http//`); without a slash, `name:` is as likely a user name.
 */
const SCHEME_REGEXP = /^[a-z][a-z0-9+.-]*(?::\/+|\/\/+)/i;

/**
 * Replaces everything between the scheme and the last `@` with `***`:
 * `http://elastic:PASSWORD@host:9200` becomes `http://***@host:9200`. It
 * works on text that is not a URL at all (`http//elastic:PASSWORD@host`
 * becomes `http//***@host`), and up to the last `@` of the whole text, so an
 * unencoded `@`, `/`, `?` or `#` inside a password cannot leave part of it
 * behind. A URL whose path holds an `@` loses its host in the echo too:
 * hiding too much is the safe side.
 *
 * @example Usage
 * ```ts
 * redactUrl("redis://:hunter2@cache:6379/0"); // "redis://***@cache:6379/0"
 * redactUrl("https://es.example.edu:9200"); // unchanged
 * ```
 */
export function redactUrl(text: string): string {
  const at = text.lastIndexOf("@");
  if (at < 0) return text;
  const scheme = SCHEME_REGEXP.exec(text)?.[0] ?? "";
  // A scheme that ends after the `@` (`a@b://`) is not one.
  const start = scheme.length <= at ? scheme.length : 0;
  return `${text.slice(0, start)}***${text.slice(at)}`;
}

/**
 * Replaces the credentials of a URL for logs and messages:
 * `redis://:secret@host` becomes `redis://***@host` and
 * `redis://user:secret@host` becomes `redis://user:***@host`. Works on text
 * that is not a valid URL too, so a malformed setting is never echoed with its
 * password.
 *
 * @example
 * ```ts
 * redactRedisUrl("redis://:hunter2@cache:6379/0"); // "redis://***@cache:6379/0"
 * ```
 */
export function redactRedisUrl(url: string): string {
  // Greedy up to the last "@" of the whole text: an unencoded "@" or "/"
  // inside the password must not leave the password's tail behind, and Redis
  // URLs carry nothing after the host that could hold an "@".
  return url.replace(
    /^((?:[a-z][a-z0-9+.-]*:\/\/)?)([\s\S]*)@/i,
    (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(":");
      // Without a colon some clients read the userinfo as the password.
      if (colon <= 0) return `${scheme}***@`;
      return `${scheme}${userinfo.slice(0, colon)}:***@`;
    },
  );
}

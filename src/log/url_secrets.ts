/**
 * The passwords written into URL settings, for the safety net that masks
 * secrets in every line the tool prints or records (see
 * `redactingFormatter()` and `maskSecrets()`). Messages take the user
 * information out themselves (`redactUrl()`); this catches what a library
 * or an unforeseen message might still echo.
 *
 * @module
 */

/** Variables whose values are URLs that may carry a user and password. */
export const URL_VARIABLES = [
  "MATTERHORN_ENGAGE_HOST",
  "MATTERHORN_ADMIN_HOST",
  "ELASTICSEARCH_HOST",
  "REDIS_URL",
  "UA_HARVEST_METRICS_PUSH",
  "LOGGLY_URL",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_S3",
  "AWS_ENDPOINT_URL_SQS",
  "AWS_ENDPOINT_URL_STS",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "SQS_QUEUE_NAME",
] as const;

const SCHEME_REGEXP = /^[a-z][a-z0-9+.-]*(?::\/+|\/\/+)/i;

/**
 * The secrets of each value that holds an `@`: the password of its user
 * information (after the first `:`), decoded too, or the whole user
 * information when it has no `:` (some clients read that as the password).
 *
 * @example Usage
 * ```ts
 * urlSecrets(["http//elastic:s3cret@host:9200", "redis://cache"]); // ["s3cret"]
 * ```
 */
export function urlSecrets(values: readonly (string | undefined)[]): string[] {
  const secrets = new Set<string>();
  for (const value of values) {
    if (value === undefined) continue;
    const at = value.lastIndexOf("@");
    if (at < 0) continue;
    const scheme = SCHEME_REGEXP.exec(value)?.[0] ?? "";
    const userinfo = value.slice(scheme.length <= at ? scheme.length : 0, at);
    const colon = userinfo.indexOf(":");
    const password = colon < 0 ? userinfo : userinfo.slice(colon + 1);
    if (password === "") continue;
    secrets.add(password);
    try {
      secrets.add(decodeURIComponent(password));
    } catch {
      // Not percent-encoded: the raw form is already there.
    }
  }
  return [...secrets];
}

/**
 * Replaces every secret of at least 4 characters in `text` with `***`
 * (shorter ones would mask ordinary words).
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 4) masked = masked.replaceAll(secret, "***");
  }
  return masked;
}

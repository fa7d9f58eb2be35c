/**
 * Keeps the credentials a provider found until they are about to expire:
 * one lookup per run for static keys, a new one five minutes before
 * temporary credentials end (as the SDK refreshes). Calls made while a
 * lookup runs share it; a failed lookup is not kept.
 *
 * @module
 */
import type {
  AwsCredentialProvider,
  AwsCredentials,
} from "../aws_credentials.ts";

/** Options for {@linkcode cacheCredentials}. */
export interface CacheCredentialsOptions {
  /** Epoch milliseconds now. @default {Date.now} */
  readonly now?: () => number;
  /** How long before expiry new credentials are fetched. @default {300000} */
  readonly refreshMarginMs?: number;
}

/**
 * Wraps `provider` with the cache.
 *
 * @example Usage
 * ```ts ignore
 * const credentials = cacheCredentials(() => instanceMetadataCredentials(sources));
 * ```
 */
export function cacheCredentials(
  provider: AwsCredentialProvider,
  options: CacheCredentialsOptions = {},
): AwsCredentialProvider {
  const { now = Date.now, refreshMarginMs = 300_000 } = options;
  let kept: AwsCredentials | undefined;
  let pending: Promise<AwsCredentials> | undefined;
  return async (signal) => {
    if (
      kept !== undefined &&
      (kept.expiration === undefined ||
        kept.expiration.getTime() - now() > refreshMarginMs)
    ) {
      return kept;
    }
    pending ??= provider(signal).then((found) => {
      kept = found;
      return found;
    }).finally(() => pending = undefined);
    return await pending;
  };
}

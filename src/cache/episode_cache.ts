/** One value to store in the episode cache. */
export interface CacheEntry {
  /** The cache key (the mediapackage id). */
  readonly key: string;
  /** The value (serialized episode, or the "no such episode" marker). */
  readonly value: string;
  /** Time to live in seconds. */
  readonly ttlSeconds: number;
}

/**
 * The episode cache: string values with a time to live. Both operations take
 * many keys so a page of actions costs one round trip each way.
 */
export interface EpisodeCache extends AsyncDisposable {
  /** Where it lives, for logs (never a secret). */
  readonly description: string;
  /** Returns the live (unexpired) values of those keys that have one. */
  getMany(keys: readonly string[]): Promise<Map<string, string>>;
  /** Stores the entries, each with its own time to live. */
  setMany(entries: readonly CacheEntry[]): Promise<void>;
}

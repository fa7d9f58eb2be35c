/**
 * The default episode cache: an SQLite file on local disk, so a harvest run
 * from cron every minute finds the episodes the previous run fetched without
 * anyone having to set up Redis.
 *
 * @module
 */

import { DatabaseSync, type StatementSync } from "node:sqlite";
import { dirname } from "node:path";
import type { CacheEntry, EpisodeCache } from "./episode_cache.ts";

/** Where the SQLite episode cache lives. */
export interface SqliteEpisodeCacheOptions {
  /**
   * The database file; its parent directories are created. `":memory:"` keeps
   * the cache in memory (tests). The CLI's default is
   * `defaultCacheDir(env) + "/episodes.sqlite"`, i.e.
   * `$XDG_CACHE_HOME/ua-harvest/episodes.sqlite` or
   * `~/.cache/ua-harvest/episodes.sqlite`.
   */
  readonly path: string;
  /**
   * The clock, in epoch milliseconds (tests move it to expire entries).
   * @default Date.now
   */
  readonly now?: () => number;
}

// Expired rows are never returned; they are also deleted on open and then at
// most this often, so the file does not grow over a long backfill.
const PURGE_EVERY_MS = 10 * 60 * 1000;

// Keys per query: well under SQLite's limits, and a page of actions names far
// fewer episodes than this anyway.
const KEYS_PER_QUERY = 5000;

/**
 * Opens (creating if needed) an SQLite episode cache.
 *
 * Several processes may share the file (a cron run and a manual backfill):
 * the database runs in WAL mode and waits up to 5 s for a writer's lock.
 *
 * @example
 * ```ts
 * await using cache = openSqliteEpisodeCache({ path: "/var/cache/ua-harvest/episodes.sqlite" });
 * await cache.setMany([{ key: "mp-1", value: "{}", ttlSeconds: 1800 }]);
 * ```
 */
export function openSqliteEpisodeCache(
  options: SqliteEpisodeCacheOptions,
): EpisodeCache {
  if (options.path !== ":memory:") {
    Deno.mkdirSync(dirname(options.path), { recursive: true });
  }
  const db = new DatabaseSync(options.path);
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    db.exec("PRAGMA journal_mode = WAL");
    // The cache can always be refetched: a lost last transaction after a
    // power cut costs a few requests, not data.
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec(
      `CREATE TABLE IF NOT EXISTS episode_cache (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
    );
  } catch (error) {
    db.close();
    throw error;
  }
  return new SqliteEpisodeCache(db, options.path, options.now ?? Date.now);
}

class SqliteEpisodeCache implements EpisodeCache {
  readonly description: string;
  #db: DatabaseSync;
  #now: () => number;
  #select: StatementSync;
  #upsert: StatementSync;
  #purge: StatementSync;
  #lastPurge = Number.NEGATIVE_INFINITY;

  constructor(db: DatabaseSync, path: string, now: () => number) {
    this.#db = db;
    this.#now = now;
    this.description = `sqlite:${path}`;
    this.#select = db.prepare(
      `SELECT key, value FROM episode_cache
       WHERE key IN (SELECT value FROM json_each(?)) AND expires_at > ?`,
    );
    this.#upsert = db.prepare(
      `INSERT INTO episode_cache (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    );
    this.#purge = db.prepare("DELETE FROM episode_cache WHERE expires_at <= ?");
    this.#purgeIfDue();
  }

  getMany(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const now = this.#now();
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const chunk = keys.slice(i, i + KEYS_PER_QUERY);
      const rows = this.#select.all(JSON.stringify(chunk), now) as {
        key: string;
        value: string;
      }[];
      for (const row of rows) found.set(row.key, row.value);
    }
    return Promise.resolve(found);
  }

  setMany(entries: readonly CacheEntry[]): Promise<void> {
    const now = this.#now();
    // An entry with no time to live would be expired at birth.
    const live = entries.filter((entry) => entry.ttlSeconds > 0);
    if (live.length > 0) {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        for (const entry of live) {
          this.#upsert.run(
            entry.key,
            entry.value,
            now + Math.max(1, Math.round(entry.ttlSeconds * 1000)),
          );
        }
        this.#db.exec("COMMIT");
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    }
    this.#purgeIfDue();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  #purgeIfDue(): void {
    const now = this.#now();
    if (now - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = now;
    this.#purge.run(now);
  }
}

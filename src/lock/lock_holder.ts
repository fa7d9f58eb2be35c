/**
 * Who holds a run lock, as the holder writes it into the lock (the file's
 * content, the Redis key's value) for `ua-harvest status` and for people.
 * Every field is best effort: a lock written by an older version has none.
 */
export interface LockHolder {
  /** The holder's process id. */
  readonly pid?: number;
  /** The holder's host name. */
  readonly host?: string;
  /** When it took the lock, ISO 8601 UTC. */
  readonly since?: string;
}

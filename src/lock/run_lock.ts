/**
 * A lock that keeps two harvests of the same checkpoint from running at once.
 * A held lock is released by disposing it; a lock left by a crashed run
 * expires by itself.
 */
export interface RunLock extends AsyncDisposable {
  /** What is locked, for logs, e.g. `redis:ua-harvest:lock:…` or a file path. */
  readonly description: string;
  /**
   * Aborted (with a `LockedError` as reason) when the lock was lost
   * while held (a Redis key that expired or was taken over): the run must
   * stop saving. Absent for locks that cannot be lost.
   */
  readonly lost?: AbortSignal;
}

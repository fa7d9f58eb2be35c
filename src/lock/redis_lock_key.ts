/**
 * The Redis key of the run lock for a checkpoint (its `description`, e.g.
 * `s3://bucket/key`): every run of that checkpoint, and `ua-harvest status`,
 * must name the same key.
 */
export function redisLockKey(checkpointDescription: string): string {
  return `ua-harvest:lock:${checkpointDescription}`;
}

/**
 * Where the harvest position lives. A store only moves text: the format is in
 * `checkpoint_format.ts`, so every store reads the original's bare timestamp
 * the same way.
 */
export interface CheckpointStore extends AsyncDisposable {
  /** Where it lives, for logs, e.g. `s3://bucket/key` or a file path. */
  readonly description: string;
  /** Reads the stored text; `null` when nothing was stored yet. */
  load(): Promise<string | null>;
  /** Replaces the stored text atomically (never a half-written checkpoint). */
  save(text: string): Promise<void>;
  /**
   * Proves, after `load()` and before anything is sent, that a save of up to
   * `bytes` bytes would be taken (see `startWriteProbe()`). Stores that
   * cannot prove anything leave it out.
   *
   * @throws {StateError} when the store cannot be written (read-only, full,
   * not allowed)
   */
  checkWritable?(bytes: number): Promise<void>;
}

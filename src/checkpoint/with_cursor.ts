import type { Checkpoint, DayCursor } from "./checkpoint_format.ts";

/**
 * The checkpoint carrying the given upstream day cursor, or none when
 * `cursor` is `undefined`. The same object comes back when it already carries
 * that cursor (and `null` stays `null`), so callers can tell by identity
 * whether anything changed.
 *
 * @example Usage
 * ```ts ignore
 * withCursor(checkpoint, undefined); // the checkpoint without its cursor
 * ```
 */
export function withCursor<T extends Checkpoint | null>(
  checkpoint: T,
  cursor: DayCursor | undefined,
): T {
  if (checkpoint === null) return checkpoint;
  if (checkpoint.cursor === cursor) return checkpoint;
  const { cursor: _, ...rest } = checkpoint;
  return (cursor === undefined ? rest : { ...rest, cursor }) as T;
}

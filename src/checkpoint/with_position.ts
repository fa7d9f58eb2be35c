import type { Checkpoint, SourcePosition } from "./checkpoint_format.ts";

/**
 * The checkpoint carrying the given source position, or none when `position`
 * is `undefined`. The same object comes back when it already carries that
 * position (compared by identity) and `null` stays `null`, so callers can
 * tell by identity whether anything changed.
 *
 * @example Usage
 * ```ts ignore
 * withPosition(checkpoint, undefined); // the checkpoint without a position
 * ```
 */
export function withPosition<T extends Checkpoint | null>(
  checkpoint: T,
  position: SourcePosition | undefined,
): T {
  if (checkpoint === null) return checkpoint;
  if (checkpoint.position === position) return checkpoint;
  const { position: _, ...rest } = checkpoint;
  return (position === undefined ? rest : { ...rest, position }) as T;
}

import type { LockHolder } from "./lock_holder.ts";
import { parseLockHolder } from "./parse_lock_holder.ts";

/**
 * Reads who holds the file run lock at `path`; `null` when nobody does.
 *
 * A holder empties the file when it releases the lock, so an empty file is
 * free and is not touched: taking the lock, even for an instant, could turn
 * away a harvest starting at that moment. A file that names a holder is
 * confirmed by asking for a shared lock, which fails while the holder lives
 * (the kernel drops the lock of a killed process, which cannot empty the
 * file); a shared lock that is granted is given back at once.
 */
export async function readFileLockHolder(
  path: string,
): Promise<LockHolder | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const holder = parseLockHolder(text);
  if (holder === null) return null;
  using file = await Deno.open(path, { read: true });
  if (await file.tryLock(false)) {
    await file.unlock();
    return null;
  }
  return holder;
}

import type { LockHolder } from "./lock_holder.ts";
import { parseLockHolder } from "./parse_lock_holder.ts";

/**
 * Reads who holds the file run lock at `path`; `null` when nobody does.
 *
 * The answer comes from the kernel, not from the file's text: a shared lock
 * is asked for, which fails while any process holds the lock (a harvest, or
 * a person's `flock(1)` that writes nothing into the file), and one that is
 * granted is given back at once. The text then only names the holder (a
 * harvest writes its PID, host and since when; a killed one cannot empty the
 * file, but the kernel dropped its lock). A missing file is free and is not
 * created. The shared lock lasts a moment: a harvest starting in that very
 * moment would be turned away (exit 8) and run again from cron; reading
 * `/proc/locks` instead would need every permission.
 */
export async function readFileLockHolder(
  path: string,
): Promise<LockHolder | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    if (await file.tryLock(false)) {
      await file.unlock();
      return null;
    }
    const text = await Deno.readTextFile(path).catch(() => "");
    return parseLockHolder(text) ?? {};
  } finally {
    file.close();
  }
}

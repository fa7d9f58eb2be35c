import type { LockHolder } from "./lock_holder.ts";
import { parseLockHolder } from "./parse_lock_holder.ts";

/**
 * Reads who holds the file run lock at `path`, without taking it (taking
 * it, even for an instant, could turn a harvest starting at that moment
 * away); `null` when nobody does.
 *
 * A holder empties the file when it releases the lock. A process killed with
 * SIGKILL cannot, but the kernel drops its lock: on Linux the holder is
 * therefore only believed while `/proc/<pid>` exists; elsewhere the file's
 * word is taken.
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
  if (holder.pid !== undefined && !await isAlive(holder)) return null;
  return holder;
}

async function isAlive(holder: LockHolder): Promise<boolean> {
  if (Deno.build.os !== "linux") return true;
  // Another host's PID (a shared state directory) cannot be checked here.
  if (holder.host !== undefined && holder.host !== hostname()) return true;
  try {
    await Deno.stat(`/proc/${holder.pid}`);
    return true;
  } catch {
    return false;
  }
}

function hostname(): string | undefined {
  try {
    return Deno.hostname();
  } catch {
    return undefined;
  }
}

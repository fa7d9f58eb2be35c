import type { LockHolder } from "./lock_holder.ts";

/** This process as a lock holder: its PID, host and the current time. */
export function describeThisHolder(now: Date = new Date()): LockHolder {
  let host: string | undefined;
  try {
    host = Deno.hostname();
  } catch {
    // Without the permission, the holder is still named by its PID.
  }
  return { pid: Deno.pid, host, since: now.toISOString() };
}

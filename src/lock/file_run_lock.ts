/**
 * A run lock on a local file, for harvests whose checkpoint is local: an
 * operating-system lock (flock) that the kernel drops when the process ends,
 * however it ends, so a crashed run never leaves a stale lock behind.
 *
 * @module
 */

import { dirname } from "node:path";
import { getLogger } from "@logtape/logtape";
import type { RunLock } from "./run_lock.ts";
import { LockHeldError, StateError } from "../errors.ts";
import { describeWriteError } from "../checkpoint/describe_write_error.ts";
import { describeThisHolder, parseLockHolder } from "./lock_holder.ts";

const logger = getLogger(["ua-harvest", "lock"]);

/** Which file to lock. */
export interface FileRunLockOptions {
  /**
   * The lock file; created (with its directories) if missing and left in
   * place afterwards. The CLI's suggested default is the checkpoint file's
   * path plus `.lock`.
   */
  readonly path: string;
}

/**
 * Takes the lock, or throws {@linkcode LockHeldError} at once when another
 * process holds it, or {@linkcode StateError} when the lock file cannot be
 * opened for writing (a read-only state directory). The holder (PID, host, since when; a `LockHolder` as
 * JSON) is written into the file for `ua-harvest status` and for people
 * looking at it. Dispose the returned lock to release it.
 *
 * @example
 * ```ts
 * await using lock = await acquireFileRunLock({ path: "/var/lib/ua-harvest/checkpoint.json.lock" });
 * // … harvest …
 * ```
 */
export async function acquireFileRunLock(
  options: FileRunLockOptions,
): Promise<RunLock> {
  const path = options.path;
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    // Never truncate on open: the holder's PID must survive our failed attempt.
    file = await Deno.open(path, { read: true, write: true, create: true });
  } catch (error) {
    // A read-only or full state directory: nothing was touched yet.
    throw new StateError(
      `Cannot write the lock file ${path}: ${
        describeWriteError(error)
      }; nothing was sent (make ${
        dirname(path)
      } writable, or pass another --state-file)`,
      { cause: error },
    );
  }
  let locked: boolean;
  try {
    locked = await file.tryLock(true);
  } catch (error) {
    file.close();
    throw error;
  }
  if (!locked) {
    file.close();
    const holder = await readHolder(path);
    throw new LockHeldError(
      `Another harvest is running (lock file ${path} is held${
        holder === undefined ? "" : ` by PID ${holder}`
      }); wait for it to finish`,
    );
  }
  try {
    await file.truncate(0);
    await file.write(
      new TextEncoder().encode(`${JSON.stringify(describeThisHolder())}\n`),
    );
  } catch (error) {
    // The holder is only for people; the lock itself stands.
    logger.debug("Could not write the holder into {path}: {reason}", {
      path,
      reason: (error as Error).message,
    });
  }
  logger.debug("Acquired run lock {path}", { path });
  return new FileRunLock(file, path);
}

class FileRunLock implements RunLock {
  readonly description: string;
  #file: Deno.FsFile;
  #released = false;

  constructor(file: Deno.FsFile, path: string) {
    this.#file = file;
    this.description = path;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    try {
      // Clear the PID first, while still holding the lock, so the file never
      // names a process that no longer holds it. The file stays: deleting it
      // would let two runs lock two different files of the same name.
      await this.#file.truncate(0);
      await this.#file.unlock();
    } finally {
      this.#file.close();
    }
    logger.debug("Released run lock {path}", { path: this.description });
  }
}

async function readHolder(path: string): Promise<number | undefined> {
  try {
    return parseLockHolder(await Deno.readTextFile(path))?.pid;
  } catch {
    return undefined;
  }
}

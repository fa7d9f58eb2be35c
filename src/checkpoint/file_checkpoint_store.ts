/**
 * The default checkpoint store: a small file on local disk, replaced
 * atomically so a crash or a full disk never leaves half a timestamp behind.
 *
 * Writes are fenced like the S3 store's: under a short lock on the file's
 * directory, `save()` checks that the file still holds what this store
 * last read or wrote before it renames the new text over it, so two runs can
 * never both move one checkpoint.
 *
 * @module
 */

import type { CheckpointStore } from "./checkpoint_store.ts";
import { dirname } from "node:path";
import { ConfigError, LockedError, StateError } from "../errors.ts";
import { replaceFileAtomically } from "../util/replace_file_atomically.ts";
import { DENO_FILE_SYSTEM, type FileSystem } from "../util/file_system.ts";
import { describeWriteError } from "./describe_write_error.ts";
import { probeDirectory } from "./probe_directory.ts";

/** Where the checkpoint file lives. */
export interface FileCheckpointStoreOptions {
  /**
   * The checkpoint file; its parent directories are created on save. The
   * CLI's default (`--state-file`) is `defaultStateDir(env) + "/checkpoint.json"`,
   * i.e. `$XDG_STATE_HOME/ua-harvest/checkpoint.json` or
   * `~/.local/state/ua-harvest/checkpoint.json`.
   */
  readonly path: string;
  /**
   * The file operations of a save and of the write probe; tests make them
   * fail as a full or read-only disk would.
   *
   * @default DENO_FILE_SYSTEM
   */
  readonly fs?: FileSystem;
}

/**
 * Returns a checkpoint store kept in a local file.
 *
 * `save()` writes a temporary file beside the target, flushes it to disk and
 * renames it over the target, so readers see either the old or the new text.
 *
 * @example
 * ```ts
 * await using store = createFileCheckpointStore({ path: "/var/lib/ua-harvest/checkpoint.json" });
 * const text = await store.load(); // null on the first run
 * await store.save('{"last_action_ts":"2024-05-01T12:00:00Z"}');
 * ```
 */
export function createFileCheckpointStore(
  options: FileCheckpointStoreOptions,
): CheckpointStore {
  const { path, fs = DENO_FILE_SYSTEM } = options;
  // The fence: the text as this store last saw it (read or written); `null`
  // for no file; `undefined` before load() (nothing to fence on).
  let seen: string | null | undefined;
  return {
    description: path,
    async load(): Promise<string | null> {
      try {
        seen = await fs.readTextFile(path);
        return seen;
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) {
          seen = null;
          return null;
        }
        throw new ConfigError(
          `Cannot read the checkpoint file ${path}: ${
            (error as Error).message
          }; check its permissions or pass another --state-file`,
          { cause: error },
        );
      }
    },
    async save(text: string): Promise<void> {
      try {
        await replaceFenced(path, text, seen, fs);
        seen = text;
      } catch (error) {
        if (error instanceof LockedError) throw error;
        throw new StateError(
          `Cannot write the checkpoint file ${path}: ${
            describeWriteError(error)
          }; free space or make ${
            dirname(path)
          } writable, or pass another --state-file`,
          { cause: error },
        );
      }
    },
    async checkWritable(bytes: number): Promise<void> {
      const dir = dirname(path);
      try {
        await probeDirectory(dir, bytes, { fs });
      } catch (error) {
        throw new StateError(
          `Cannot write the checkpoint in ${dir}: ${
            describeWriteError(error)
          }; nothing was sent (free space or make the directory writable, or pass another --state-file)`,
          { cause: error },
        );
      }
    },
    [Symbol.asyncDispose](): Promise<void> {
      return Promise.resolve();
    },
  };
}

/**
 * Replaces the file unless someone else changed it since it held `expected`
 * (`undefined`: no check). The check and the rename happen under an
 * exclusive lock on the directory (a lock on the file itself would not do:
 * the rename replaces it), which every store takes to write.
 */
async function replaceFenced(
  path: string,
  text: string,
  expected: string | null | undefined,
  fs: FileSystem,
): Promise<void> {
  const dir = dirname(path);
  await fs.mkdir(dir);
  // Windows cannot open a directory; there the check alone stands.
  using fence = Deno.build.os === "windows"
    ? null
    : await Deno.open(dir, { read: true });
  await fence?.lock(true);
  try {
    if (expected !== undefined) {
      const current = await readOrNull(path, fs);
      if (current !== expected) {
        throw new LockedError(
          `Another run moved the checkpoint file ${path} since this run read it: stopped without sending or saving more; two runs were harvesting the same checkpoint (check that they use the same --state-file, whose lock keeps them apart)`,
        );
      }
    }
    await replaceFileAtomically(path, text, { fs });
  } finally {
    await fence?.unlock();
  }
}

async function readOrNull(
  path: string,
  fs: FileSystem,
): Promise<string | null> {
  try {
    return await fs.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

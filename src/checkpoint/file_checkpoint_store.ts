/**
 * The default checkpoint store: a small file on local disk, replaced
 * atomically so a crash or a full disk never leaves half a timestamp behind.
 *
 * @module
 */

import { dirname } from "node:path";
import type { CheckpointStore } from "./checkpoint_store.ts";
import { ConfigError } from "../errors.ts";

/** Where the checkpoint file lives. */
export interface FileCheckpointStoreOptions {
  /**
   * The checkpoint file; its parent directories are created on save. The
   * CLI's default (`--state-file`) is `defaultStateDir(env) + "/checkpoint.json"`,
   * i.e. `$XDG_STATE_HOME/ua-harvest/checkpoint.json` or
   * `~/.local/state/ua-harvest/checkpoint.json`.
   */
  readonly path: string;
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
  const path = options.path;
  return {
    description: path,
    async load(): Promise<string | null> {
      try {
        return await Deno.readTextFile(path);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) return null;
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
        await replaceAtomically(path, text);
      } catch (error) {
        throw new ConfigError(
          `Cannot write the checkpoint file ${path}: ${
            (error as Error).message
          }; check its directory's permissions and free space, or pass another --state-file`,
          { cause: error },
        );
      }
    },
    [Symbol.asyncDispose](): Promise<void> {
      return Promise.resolve();
    },
  };
}

async function replaceAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  // Same directory as the target: a rename is only atomic within one
  // file system.
  const temp = await Deno.makeTempFile({
    dir,
    prefix: ".checkpoint-",
    suffix: ".tmp",
  });
  try {
    {
      using file = await Deno.open(temp, { write: true, truncate: true });
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

// Makes the rename itself durable: without it a power cut right after save()
// may bring back the previous checkpoint (harmless but a repeat of work).
async function syncDirectory(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename still stands.
  }
}

/**
 * The default checkpoint store: a small file on local disk, replaced
 * atomically so a crash or a full disk never leaves half a timestamp behind.
 *
 * @module
 */

import type { CheckpointStore } from "./checkpoint_store.ts";
import { ConfigError } from "../errors.ts";
import { replaceFileAtomically } from "../util/replace_file_atomically.ts";

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
        await replaceFileAtomically(path, text);
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

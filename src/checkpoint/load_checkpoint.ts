import { ConfigError } from "../errors.ts";
import {
  type Checkpoint,
  LEGACY_SOURCE,
  parseCheckpoint,
} from "./checkpoint_format.ts";
import type { CheckpointStore } from "./checkpoint_store.ts";

/** Options for {@linkcode loadCheckpoint}. */
export interface LoadCheckpointOptions {
  /**
   * The action source this run reads (`ActionSource.name`): a checkpoint
   * another source wrote is refused. @default {any source}
   */
  readonly source?: string;
}

/**
 * Reads and parses the stored checkpoint.
 *
 * @param store Where it lives; errors name its description.
 * @param zone The server's zone, for the original's bare timestamps.
 * @param options Which source's checkpoint it must be.
 * @returns The checkpoint, or `null` when nothing was stored yet.
 * @throws {ApiContractError} When the stored text is not a checkpoint.
 * @throws {ConfigError} When another source than `options.source` wrote it:
 * one source's position must never be read as another's.
 */
export async function loadCheckpoint(
  store: CheckpointStore,
  zone: string,
  options: LoadCheckpointOptions = {},
): Promise<Checkpoint | null> {
  const text = await store.load();
  if (text === null) return null;
  const checkpoint = parseCheckpoint(text, zone, {
    source: store.description,
  });
  const writtenBy = checkpoint.source ?? LEGACY_SOURCE;
  if (options.source !== undefined && writtenBy !== options.source) {
    throw new ConfigError(
      `The checkpoint in ${store.description} was written by the ${writtenBy} source, but this run reads ${options.source}: ` +
        "give each source its own checkpoint (--state-file, or S3_LAST_ACTION_TS_KEY)",
    );
  }
  return checkpoint;
}

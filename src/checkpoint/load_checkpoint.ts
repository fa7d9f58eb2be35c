import { type Checkpoint, parseCheckpoint } from "./checkpoint_format.ts";
import type { CheckpointStore } from "./checkpoint_store.ts";

/**
 * Reads and parses the stored checkpoint.
 *
 * @param store Where it lives; errors name its description.
 * @param zone The server's zone, for the original's bare timestamps.
 * @returns The checkpoint, or `null` when nothing was stored yet.
 * @throws {ApiContractError} When the stored text is not a checkpoint.
 */
export async function loadCheckpoint(
  store: CheckpointStore,
  zone: string,
): Promise<Checkpoint | null> {
  const text = await store.load();
  return text === null
    ? null
    : parseCheckpoint(text, zone, { source: store.description });
}

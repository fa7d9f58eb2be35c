import type { SourceBatch } from "../source/action_source.ts";

/**
 * The batches, those holding more than `max` actions cut into parts of `max`:
 * the first part counts the batch's requests and total, the last carries its
 * position (valid only once the whole batch is delivered), so the window
 * checkpoint saves no part's position early.
 */
export async function* cutBatches(
  batches: AsyncIterable<SourceBatch>,
  max: number,
): AsyncGenerator<SourceBatch> {
  for await (const batch of batches) {
    const { actions, total, position, ...rest } = batch;
    if (actions.length <= max) {
      yield batch;
      continue;
    }
    for (let from = 0; from < actions.length; from += max) {
      const first = from === 0;
      const last = from + max >= actions.length;
      // Whatever else the batch says of its actions holds for each part.
      yield {
        ...rest,
        actions: actions.slice(from, from + max),
        pages: first ? batch.pages : 0,
        probes: first ? batch.probes : 0,
        ...(first && total !== undefined ? { total } : {}),
        ...(last && position !== undefined ? { position } : {}),
      };
    }
  }
}

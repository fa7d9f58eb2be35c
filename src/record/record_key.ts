import type { ActionRecord } from "./action_record.ts";

/**
 * The id a record is stored under where records of several sources can
 * meet: an Elasticsearch document `_id`, an SQS FIFO deduplication id.
 * Opencast's is its `action_id`, as it always was; another source's carries
 * its name (`matomo-90412`), since Matomo's `pageId`s and Opencast's row ids
 * are both counters from 1 and would overwrite (or be dropped as
 * duplicates of) each other.
 *
 * @example Usage
 * ```ts
 * recordKey({ action_id: 90412 } as ActionRecord); // "90412"
 * recordKey({ action_id: 90412, source: "matomo" } as ActionRecord); // "matomo-90412"
 * ```
 */
export function recordKey(
  record: Pick<ActionRecord, "action_id" | "source">,
): string {
  return record.source === undefined
    ? String(record.action_id)
    : `${record.source}-${record.action_id}`;
}

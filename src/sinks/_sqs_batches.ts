/**
 * The pure part of the SQS sink: records to `SendMessageBatch` entries, and
 * entries to batches within the service limits. No I/O.
 *
 * @module
 */
import { DEFAULT_SQS_MAX_PAYLOAD_BYTES } from "../config/defaults.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { recordKey } from "../record/record_key.ts";
import { encodeRecord } from "../record/encode_record.ts";
import { DeliveryError } from "../errors.ts";

/**
 * Most entries one `SendMessageBatch` call takes.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export const SQS_MAX_BATCH_ENTRIES = 10;
/** The largest payload SQS accepts in one call (1 MiB). */
export const SQS_MAX_PAYLOAD_BYTES = 1_048_576;

const ENTRY_ID_MAX_LENGTH = 80;
const GROUP_ID_MAX_LENGTH = 128;
const UTF8 = new TextEncoder();

/** One message of a batch, with the action it carries. */
export interface SqsEntry {
  /** Unique within a batch: `[A-Za-z0-9_-]`, at most 80 characters. */
  readonly id: string;
  readonly body: string;
  /** UTF-8 size of `body`, what SQS counts against the payload limit. */
  readonly bytes: number;
  readonly actionId: number;
  /** FIFO queues only. */
  readonly groupId?: string;
  /** FIFO queues only: the action id, so a resend is dropped by SQS. */
  readonly deduplicationId?: string;
}

/** Options for {@linkcode buildSqsEntries}. */
export interface BuildSqsEntriesOptions {
  /**
   * Adds FIFO group and deduplication ids.
   *
   * @default {false}
   */
  readonly fifo?: boolean;
  /**
   * The FIFO message group of a record.
   *
   * @default {(record) => record.mpid}
   */
  readonly groupId?: (record: ActionRecord) => string;
}

/**
 * Turns a page of records into entries: body = `encodeRecord(record)` (the record's JSON), id =
 * `recordKey(record)` (the action id, with the source of a non-Opencast
 * record; made unique within the page), FIFO ids when asked (deduplication
 * by the same key).
 *
 * @param records The page.
 * @param options FIFO settings.
 * @returns One entry per record, in order.
 */
export function buildSqsEntries(
  records: readonly ActionRecord[],
  options: BuildSqsEntriesOptions = {},
): SqsEntry[] {
  const { fifo = false, groupId = defaultGroupId } = options;
  const used = new Set<string>();
  return records.map((record, index) => {
    const body = encodeRecord(record);
    const key = recordKey(record);
    const id = uniqueEntryId(key, index, used);
    const entry: SqsEntry = {
      id,
      body,
      bytes: utf8ByteLength(body),
      actionId: record.action_id,
    };
    if (!fifo) return entry;
    return {
      ...entry,
      groupId: fifoGroupId(groupId(record)),
      deduplicationId: key,
    };
  });
}

/** Options for {@linkcode planSqsBatches}. */
export interface PlanSqsBatchesOptions {
  /**
   * The most bytes of message bodies in one call (and so in one message).
   *
   * @default {@linkcode DEFAULT_SQS_MAX_PAYLOAD_BYTES}
   */
  readonly maxPayloadBytes?: number;
  /**
   * The most entries in one call.
   *
   * @default {10}
   */
  readonly maxEntries?: number;
}

/**
 * Splits entries into batches, in order, each within the entry count and
 * payload limits.
 *
 * @param entries The entries of a page.
 * @param options The limits.
 * @returns The batches; empty when there are no entries.
 * @throws {DeliveryError} when one record alone is over the payload limit
 * (SQS would never accept it).
 */
export function planSqsBatches(
  entries: readonly SqsEntry[],
  options: PlanSqsBatchesOptions = {},
): SqsEntry[][] {
  const {
    maxPayloadBytes = DEFAULT_SQS_MAX_PAYLOAD_BYTES,
    maxEntries = SQS_MAX_BATCH_ENTRIES,
  } = options;
  const oversize = entries.filter((entry) => entry.bytes > maxPayloadBytes);
  if (oversize.length > 0) {
    const first = oversize[0]!;
    throw new DeliveryError(
      `Cannot send action ${first.actionId} to SQS as its record is ${first.bytes} bytes, over the ${maxPayloadBytes}-byte message limit` +
        (oversize.length > 1
          ? ` (${oversize.length} records are too large: ${
            describeActionIds(oversize.map((e) => e.actionId))
          })`
          : "") +
        ": raise the payload limit (up to 1048576) on the sink and the queue's MaximumMessageSize",
    );
  }
  const batches: SqsEntry[][] = [];
  let current: SqsEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    if (
      current.length === maxEntries ||
      (current.length > 0 && currentBytes + entry.bytes > maxPayloadBytes)
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += entry.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Names a few action ids and how many more, for one-line messages:
 * `17, 18, 19 and 12 more`.
 */
export function describeActionIds(ids: readonly number[], shown = 5): string {
  const head = ids.slice(0, shown).join(", ");
  return ids.length > shown ? `${head} and ${ids.length - shown} more` : head;
}

function defaultGroupId(record: ActionRecord): string {
  return record.mpid;
}

/** SQS entry ids allow `[A-Za-z0-9_-]`, at most 80, unique in a batch. */
function uniqueEntryId(
  wanted: string,
  index: number,
  used: Set<string>,
): string {
  let id = wanted.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, ENTRY_ID_MAX_LENGTH);
  if (id === "" || used.has(id)) {
    const suffix = `_${index}`;
    id = id.slice(0, ENTRY_ID_MAX_LENGTH - suffix.length) + suffix;
  }
  used.add(id);
  return id;
}

/** Scratch space for counting UTF-8 bytes; grows for a larger body. */
let scratch = new Uint8Array(64 * 1024);

/**
 * The UTF-8 size of a string, without `encode` allocating a copy of every
 * body only to measure it (that halves the time to build a page's entries).
 */
function utf8ByteLength(text: string): number {
  // A UTF-16 code unit takes at most 3 bytes, so this always fits.
  if (text.length * 3 > scratch.length) {
    scratch = new Uint8Array(text.length * 3);
  }
  return UTF8.encodeInto(text, scratch).written;
}

/** A group id must be 1 to 128 characters; an empty mpid still needs one. */
function fifoGroupId(wanted: string): string {
  const id = wanted.slice(0, GROUP_ID_MAX_LENGTH);
  return id === "" ? "ua-harvest" : id;
}

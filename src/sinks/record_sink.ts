import type { ActionRecord } from "../harvest/action_record.ts";

/**
 * Where harvested records go. A sink delivers one page at a time and resolves
 * only when every record of the page was accepted, so the harvest can move its
 * checkpoint past the page. Disposal flushes and closes what the sink opened.
 */
export interface RecordSink extends AsyncDisposable {
  /** A short description for logs, e.g. `sqs:my-queue` (never a secret). */
  readonly description: string;
  /**
   * Delivers a page of records.
   *
   * @throws {DeliveryError} when some records were still rejected after retries;
   * the message names them.
   */
  deliver(records: readonly ActionRecord[]): Promise<void>;
}

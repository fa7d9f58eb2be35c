/**
 * The retry decisions of the SQS sink, pure: what a `SendMessageBatch`
 * answer means for each entry, and which entry codes are throttling. (A
 * thrown error is classified by `classifyAwsError()` directly.)
 *
 * @module
 */
import { classifyAwsError } from "../aws/classify_aws_error.ts";
import type { SqsEntry } from "./_sqs_batches.ts";
import type { SqsBatchResponse } from "../aws/sqs_client.ts";

/** An entry SQS did not take, and why. */
export interface SqsEntryFailure {
  readonly entry: SqsEntry;
  readonly code: string;
  readonly message: string;
}

/** What one `SendMessageBatch` answer means for the entries that were sent. */
export interface SqsBatchResult {
  /** Entries SQS accepted. */
  readonly accepted: SqsEntry[];
  /** Entries to send again: a service fault, throttling, or no word at all. */
  readonly retry: SqsEntryFailure[];
  /** Entries SQS will never accept as they are (sender fault). */
  readonly rejected: SqsEntryFailure[];
}

/** Entry codes worth resending even when SQS marks them as a sender fault. */
const RETRYABLE_ENTRY_CODES = new Set([
  "InternalError",
  "InternalFailure",
  "KmsThrottled",
  "RequestThrottled",
  "ServiceUnavailable",
  "ThrottlingException",
]);

/**
 * Sorts the sent entries by the answer: accepted, to resend, or rejected for
 * good. An entry the answer does not mention is resent: SQS said nothing
 * about it, and a FIFO queue drops a duplicate by its deduplication id.
 *
 * @param sent The entries of the request.
 * @param response The service's answer.
 * @returns The entries sorted three ways, in the order they were sent.
 */
export function classifySqsBatchResult(
  sent: readonly SqsEntry[],
  response: SqsBatchResponse,
): SqsBatchResult {
  const succeeded = new Set<string>();
  for (const ok of response.Successful ?? []) {
    if (ok.Id !== undefined) succeeded.add(ok.Id);
  }
  const failed = new Map<
    string,
    NonNullable<SqsBatchResponse["Failed"]>[number]
  >();
  for (const fail of response.Failed ?? []) {
    if (fail.Id !== undefined) failed.set(fail.Id, fail);
  }
  const result: SqsBatchResult = { accepted: [], retry: [], rejected: [] };
  for (const entry of sent) {
    const failure = failed.get(entry.id);
    if (failure === undefined) {
      if (succeeded.has(entry.id)) {
        result.accepted.push(entry);
      } else {
        result.retry.push({
          entry,
          code: "Missing",
          message: "SQS reported neither success nor failure for this entry",
        });
      }
      continue;
    }
    const code = failure.Code ?? "Unknown";
    const item = { entry, code, message: failure.Message ?? "" };
    if (failure.SenderFault === true && !RETRYABLE_ENTRY_CODES.has(code)) {
      result.rejected.push(item);
    } else {
      result.retry.push(item);
    }
  }
  return result;
}

/** Whether an entry's failure code is throttling, by `classifyAwsError()`'s list. */
export function isSqsThrottling(code: string): boolean {
  return classifyAwsError({ code }).kind === "throttled";
}

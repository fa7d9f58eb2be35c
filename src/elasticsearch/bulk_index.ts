import type { Client } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { describeCause, toElasticsearchError } from "./_elasticsearch_error.ts";
import { classifyBulkFailure } from "./classify_bulk_failure.ts";
import { createSendPacer, type SendPacer } from "../util/send_pacer.ts";
import { resendRefused, type Throttling } from "../util/resend_refused.ts";
import type { RetryOptions } from "../util/retry.ts";

const logger = getLogger(["ua-harvest", "elasticsearch"]);

/** One document to index. */
export interface BulkDocument {
  /** The target index. */
  index: string;
  /** The `_id`; a repeat with the same id overwrites, so reruns are idempotent. */
  id: string;
  /** The document source. */
  document: object;
}

/** A document Elasticsearch did not accept. */
export interface BulkFailure {
  /** The target index. */
  index: string;
  /** The document `_id`. */
  id: string;
  /** The item status of the last attempt. */
  status: number;
  /** `type: reason` from Elasticsearch, one line. */
  reason: string;
}

/** The outcome of {@linkcode bulkIndex}. */
export interface BulkIndexResult {
  /** Documents accepted. */
  indexed: number;
  /** Documents not accepted after every retry, in input order. */
  failures: BulkFailure[];
  /** Item answers of 429 (push-back) over every request, resends included. */
  throttled: number;
}

/** Retry settings for {@linkcode bulkIndex}. */
export interface BulkIndexOptions
  extends
    Pick<RetryOptions, "maxAttempts" | "initialBackoffMs" | "maxBackoffMs"> {
  /**
   * Attempts per document, the first included, while it fails with a 5xx;
   * items that failed with 429 or 5xx are resent, only them. @default 4
   */
  maxAttempts?: number;
  /**
   * Attempts per document while Elasticsearch pushes it back (429): push-back
   * is a reason to slow down, not to give up, so it gets more. @default 10
   */
  maxThrottledAttempts?: number;
  /**
   * The first wait after Elasticsearch refused every item of a request, and
   * the first backoff after a 5xx. @default 25
   */
  initialBackoffMs?: number;
  /** The longest wait before a request. @default 10000 */
  maxBackoffMs?: number;
  /**
   * The pace shared by the requests of one sender, so push-back slows the
   * next pages too and clean answers speed them up again.
   * @default a new one from `initialBackoffMs` and `maxBackoffMs`
   */
  pacer?: SendPacer;
  /** Told after every request Elasticsearch pushed back on. @default {nothing} */
  onThrottled?: (throttling: Throttling) => void;
  /** Bytes per `_bulk` request. @default 5000000 */
  flushBytes?: number;
}

/**
 * Indexes documents with the client's bulk helper and reports, per
 * document, what was not accepted. Items that failed with a passing
 * condition (see {@linkcode classifyBulkFailure}) are resent, only them
 * (`resendRefused()`), paced by the share Elasticsearch pushed back: a
 * request with one item in ten refused slows the next a little, while the
 * clean items of every request are indexed. Never throws for item failures:
 * the caller decides (the sink fails the page, `load_episodes` fails the run
 * at the end).
 *
 * @throws {UnreachableError | AuthenticationError | ApiContractError} when a
 * whole `_bulk` request fails after the client's own retries
 */
export async function bulkIndex(
  client: Client,
  documents: readonly BulkDocument[],
  options: BulkIndexOptions = {},
): Promise<BulkIndexResult> {
  const {
    maxAttempts = 4,
    maxThrottledAttempts = 10,
    initialBackoffMs = 25,
    maxBackoffMs = 10_000,
    pacer = createSendPacer({
      minDelayMs: Math.max(1, initialBackoffMs),
      maxDelayMs: Math.max(1, initialBackoffMs, maxBackoffMs),
    }),
    onThrottled,
    flushBytes = 5_000_000,
  } = options;
  let indexed = 0;
  let throttledTotal = 0;
  const failures = new Map<BulkDocument, BulkFailure>();
  await resendRefused(documents, async (pending, attempt) => {
    const dropped: { document: BulkDocument; failure: BulkFailure }[] = [];
    const byKey = new Map(pending.map((doc) => [key(doc.index, doc.id), doc]));
    let stats;
    try {
      stats = await client.helpers.bulk<BulkDocument>({
        datasource: [...pending],
        onDocument: (doc) => [
          { index: { _index: doc.index, _id: doc.id } },
          doc.document,
        ],
        onDrop: (drop) => {
          const meta = (drop.operation as {
            index: { _index: string; _id: string };
          }).index;
          // The operation is our own action line, so the key is always known.
          const document = byKey.get(key(meta._index, meta._id))!;
          const reason = drop.error === null && drop.status === 429
            ? "429 too many requests"
            : describeCause(drop.error);
          dropped.push({
            document,
            failure: {
              index: meta._index,
              id: meta._id,
              status: drop.status,
              reason,
            },
          });
        },
        // We resend ourselves, so 5xx items get the same treatment as 429.
        retries: 0,
        concurrency: 1,
        flushBytes,
      });
    } catch (error) {
      throw toElasticsearchError(error, client, "bulk indexing");
    }
    indexed += stats.successful;
    const retry: BulkDocument[] = [];
    let throttled = 0;
    for (const { document, failure } of dropped) {
      const pushedBack = failure.status === 429;
      if (pushedBack) throttledTotal += 1;
      const limit = pushedBack ? maxThrottledAttempts : maxAttempts;
      if (
        classifyBulkFailure(failure.status) === "retry" && attempt < limit
      ) {
        retry.push(document);
        if (pushedBack) throttled += 1;
      } else {
        failures.set(document, failure);
      }
    }
    if (retry.length > 0) {
      logger.debug(
        "Elasticsearch asked to resend {count} of {sent} documents (attempt {attempt})",
        { count: retry.length, sent: pending.length, attempt },
      );
    }
    return { retry, throttled };
  }, {
    pacer,
    initialBackoffMs: Math.max(1, initialBackoffMs),
    maxBackoffMs,
    ...(onThrottled ? { onThrottled } : {}),
  });
  const order = new Map(documents.map((doc, i) => [doc, i]));
  return {
    indexed,
    failures: [...failures.entries()]
      .sort(([a], [b]) => order.get(a)! - order.get(b)!)
      .map(([, failure]) => failure),
    throttled: throttledTotal,
  };
}

function key(index: string, id: string): string {
  return `${index}\u0000${id}`;
}

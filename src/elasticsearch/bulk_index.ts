import type { Client } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { describeCause, toElasticsearchError } from "./_elasticsearch_error.ts";
import { classifyBulkFailure } from "./classify_bulk_failure.ts";
import { sleep } from "../util/sleep.ts";

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
}

/** Retry settings for {@linkcode bulkIndex}. */
export interface BulkIndexOptions {
  /** Resends of items that failed with 429 or 5xx. @default 3 */
  maxRetries?: number;
  /** First wait before a resend, doubled each time. @default 500 */
  retryBackoffMs?: number;
  /** Longest wait before a resend. @default 10000 */
  maxRetryBackoffMs?: number;
  /** Bytes per `_bulk` request. @default 5000000 */
  flushBytes?: number;
}

/**
 * Indexes documents with the client's bulk helper and reports, per
 * document, what was not accepted. Items that failed with a passing
 * condition (see {@linkcode classifyBulkFailure}) are resent, only them,
 * with exponential backoff. Never throws for item failures: the caller
 * decides (the sink fails the page, `load_episodes` fails the run at the end).
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
    maxRetries = 3,
    retryBackoffMs = 500,
    maxRetryBackoffMs = 10_000,
    flushBytes = 5_000_000,
  } = options;
  let pending = [...documents];
  let indexed = 0;
  const failures = new Map<BulkDocument, BulkFailure>();
  for (let attempt = 0; pending.length > 0; attempt += 1) {
    const dropped: { document: BulkDocument; failure: BulkFailure }[] = [];
    const byKey = new Map(pending.map((doc) => [key(doc.index, doc.id), doc]));
    let stats;
    try {
      stats = await client.helpers.bulk<BulkDocument>({
        datasource: pending,
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
    for (const { document, failure } of dropped) {
      if (
        classifyBulkFailure(failure.status) === "retry" &&
        attempt < maxRetries
      ) {
        retry.push(document);
      } else {
        failures.set(document, failure);
      }
    }
    if (retry.length > 0) {
      const delay = Math.min(retryBackoffMs * 2 ** attempt, maxRetryBackoffMs);
      logger.warn(
        "Elasticsearch asked to resend {count} documents; retrying in {delay} ms",
        { count: retry.length, delay },
      );
      await sleep(delay);
    }
    pending = retry;
  }
  const order = new Map(documents.map((doc, i) => [doc, i]));
  return {
    indexed,
    failures: [...failures.entries()]
      .sort(([a], [b]) => order.get(a)! - order.get(b)!)
      .map(([, failure]) => failure),
  };
}

function key(index: string, id: string): string {
  return `${index}\u0000${id}`;
}

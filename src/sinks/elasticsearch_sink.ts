import { DEFAULT_ACTION_INDEX_PREFIX } from "../config/defaults.ts";
import { createSendPacer, type SendPacer } from "../util/send_pacer.ts";
import type { Throttling } from "../util/resend_refused.ts";
import type { Client } from "@elastic/elasticsearch";
import { getLogger } from "@logtape/logtape";
import { DeliveryError } from "../errors.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { recordKey } from "../record/record_key.ts";
import { validateIndexName } from "../elasticsearch/_index_name.ts";
import { elasticsearchUrl } from "../elasticsearch/_elasticsearch_error.ts";
import { type BulkDocument, bulkIndex } from "../elasticsearch/bulk_index.ts";
import { checkElasticsearch } from "../elasticsearch/check_elasticsearch.ts";
import { dailyIndexName } from "../elasticsearch/daily_index_name.ts";
import { describeBulkFailures } from "../elasticsearch/describe_bulk_failures.ts";
import {
  createElasticsearchClient,
  type ElasticsearchClientOptions,
} from "../elasticsearch/elasticsearch_client.ts";
import type { RecordSink } from "./record_sink.ts";

const logger = getLogger(["ua-harvest", "sinks", "elasticsearch"]);

/** Settings of the Elasticsearch sink (`harvest --output es`). */
export interface ElasticsearchSinkOptions {
  /** The cluster; required unless `client` is given. */
  elasticsearch?: ElasticsearchClientOptions;
  /** A client to use instead of creating one; the sink does not close it. */
  client?: Client;
  /** Daily indexes are `<prefix>YYYY.MM.DD` (`--es-index-prefix`). @default {@linkcode DEFAULT_ACTION_INDEX_PREFIX} */
  indexPrefix?: string;
  /** Attempts per document while it fails with a 5xx (only refused items are resent). @default 4 */
  maxAttempts?: number;
  /** Attempts per document while Elasticsearch answers it 429. @default 10 */
  maxThrottledAttempts?: number;
  /** The first wait after Elasticsearch pushed back. @default 25 */
  initialBackoffMs?: number;
  /** Check the cluster (`GET /`) before returning the sink. @default true */
  check?: boolean;
}

/**
 * The pure step of the sink: each record to its daily index (from the
 * record's UTC timestamp) with `_id` = `action_id` (`matomo-<action_id>` for
 * Matomo's, see `recordKey()`), so a repeat overwrites instead of doubling.
 */
export function toActionDocuments(
  records: readonly ActionRecord[],
  indexPrefix: string,
): BulkDocument[] {
  return records.map((record) => ({
    index: dailyIndexName(indexPrefix, record.timestamp),
    id: recordKey(record),
    document: record,
  }));
}

/**
 * Creates a sink that bulk-indexes action records into daily indexes.
 * Validates the settings, then checks the cluster, before returning, so an
 * unreachable cluster or wrong credentials stop the harvest before any work.
 * `deliver()` resolves only when every record of the page was accepted.
 *
 * @throws {ConfigError} on bad settings
 * @throws {UnreachableError | AuthenticationError | ApiContractError} when the check fails
 */
export async function createElasticsearchSink(
  options: ElasticsearchSinkOptions,
): Promise<RecordSink> {
  const {
    indexPrefix = DEFAULT_ACTION_INDEX_PREFIX,
    maxAttempts = 4,
    maxThrottledAttempts = 10,
    initialBackoffMs = 25,
    check = true,
  } = options;
  validateIndexName(indexPrefix, "the action index prefix (--es-index-prefix)");
  const ownsClient = options.client === undefined;
  const client = options.client ??
    createElasticsearchClient(
      options.elasticsearch ?? { host: "" },
    );
  if (check) {
    try {
      await checkElasticsearch(client);
    } catch (error) {
      if (ownsClient) await client.close();
      throw error;
    }
  }
  return new ElasticsearchSink(client, ownsClient, {
    indexPrefix,
    maxAttempts,
    maxThrottledAttempts,
    initialBackoffMs: Math.max(1, initialBackoffMs),
    // One pace for the whole run: push-back on one page slows the next.
    pacer: createSendPacer({ minDelayMs: Math.max(1, initialBackoffMs) }),
  });
}

class ElasticsearchSink implements RecordSink {
  readonly description: string;
  #client: Client;
  #ownsClient: boolean;
  #indexPrefix: string;
  #settings: {
    maxAttempts: number;
    maxThrottledAttempts: number;
    initialBackoffMs: number;
    pacer: SendPacer;
  };
  #toldThrottled = false;

  constructor(
    client: Client,
    ownsClient: boolean,
    settings: {
      indexPrefix: string;
      maxAttempts: number;
      maxThrottledAttempts: number;
      initialBackoffMs: number;
      pacer: SendPacer;
    },
  ) {
    this.#client = client;
    this.#ownsClient = ownsClient;
    this.#indexPrefix = settings.indexPrefix;
    this.#settings = settings;
    this.description = `elasticsearch:${
      elasticsearchUrl(client)
    }/${settings.indexPrefix}*`;
  }

  async deliver(records: readonly ActionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const documents = toActionDocuments(records, this.#indexPrefix);
    const { indexed, failures } = await bulkIndex(this.#client, documents, {
      ...this.#settings,
      onThrottled: (throttling) => this.#tellThrottled(throttling),
    });
    for (const failure of failures) {
      logger.error(
        "Elasticsearch did not accept action {id} in {index}: {status} {reason}",
        { ...failure },
      );
    }
    if (failures.length > 0) {
      throw new DeliveryError(
        describeBulkFailures(failures, documents.length, "action records"),
      );
    }
    logger.debug("Indexed {count} action records", { count: indexed });
  }

  /** Once a run: the operator learns why it is slower, and by how much it is pushed back. */
  #tellThrottled({ refused, sent, waitMs }: Throttling): void {
    if (this.#toldThrottled) return;
    this.#toldThrottled = true;
    logger.info(
      "Elasticsearch is throttling the harvest: {refused} of {sent} records ({percent} %) answered 429; resending only those, pacing requests (about {waitMs} ms apart now)",
      {
        refused,
        sent,
        percent: Math.round(refused / sent * 1000) / 10,
        waitMs: Math.round(waitMs),
      },
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#ownsClient) await this.#client.close();
  }
}

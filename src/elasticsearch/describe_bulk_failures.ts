import type { BulkFailure } from "./bulk_index.ts";

/** How many failures a message names before it says "and N more". */
const NAMED_FAILURES = 5;

/**
 * One line naming the documents Elasticsearch did not accept, for a
 * `DeliveryError`: `Elasticsearch did not accept 2 of 100 episode documents:
 * abc (400 document_parsing_exception: …), def (…)`. Pure.
 *
 * @param total how many documents were sent
 * @param noun what the documents are, e.g. `"episode documents"`
 */
export function describeBulkFailures(
  failures: readonly BulkFailure[],
  total: number,
  noun: string,
): string {
  const named = failures.slice(0, NAMED_FAILURES).map((failure) =>
    `${failure.id} in ${failure.index} (${failure.status} ${failure.reason})`
  );
  const more = failures.length > NAMED_FAILURES
    ? `, and ${failures.length - NAMED_FAILURES} more (see the error log)`
    : "";
  return `Elasticsearch did not accept ${failures.length} of ${total} ${noun}: ${
    named.join(", ")
  }${more}`;
}

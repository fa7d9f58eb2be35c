/** What to do with a bulk item Elasticsearch did not accept. */
export type BulkFailureAction = "retry" | "reject";

/**
 * Decides from a bulk item's status whether sending it again can help. Pure.
 *
 * 429 (the node is overloaded) and 5xx other than 501 (a shard was not
 * ready, a node left) are passing conditions: retry. Every other status
 * (400 mapping or parsing errors, 409 conflicts, 501) says the document
 * itself will never be accepted: reject, and name it.
 */
export function classifyBulkFailure(status: number): BulkFailureAction {
  if (status === 429) return "retry";
  if (status >= 500 && status !== 501) return "retry";
  return "reject";
}

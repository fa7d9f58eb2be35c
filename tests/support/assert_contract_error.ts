import assert from "node:assert/strict";
import { ApiContractError } from "../../src/errors.ts";

/**
 * Asserts that `parse` throws an {@linkcode ApiContractError} naming the
 * endpoint whose answer it could not read (what an operator needs to look
 * at first).
 *
 * @example
 * ```ts
 * assertContractError(() => normalizeEpisode({}), "/search/episode.json");
 * ```
 */
export function assertContractError(parse: () => unknown, endpoint: string) {
  assert.throws(
    parse,
    (error: Error) =>
      error instanceof ApiContractError && error.message.includes(endpoint),
  );
}

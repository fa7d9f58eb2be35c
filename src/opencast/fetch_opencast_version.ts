/**
 * The Opencast version a node reports in `/info/components.json`.
 *
 * @module
 */
import { UaHarvestError, UnreachableError } from "../errors.ts";
import type { OpencastClient } from "./opencast_client.ts";
import { asString, isObject } from "./_jettison.ts";

const ENDPOINT = "/info/components.json";

/**
 * GETs `/info/components.json` (anonymous on every version) and returns its
 * `version`, e.g. `"16.3"` or `"5.0.0-SNAPSHOT"`. Resolves `undefined` when
 * the node does not tell: no such endpoint (a proxy that only routes some
 * paths), a refusal, something that is not JSON, or no `version` key. Callers
 * then recognise the server by what its other endpoints answer.
 *
 * @example Usage
 * ```ts
 * const version = await fetchOpencastVersion(engage); // "16.3" or undefined
 * ```
 *
 * @throws {UnreachableError} When the node does not answer at all: the
 * requests that follow would fail the same way.
 */
export async function fetchOpencastVersion(
  client: OpencastClient,
): Promise<string | undefined> {
  let raw: unknown;
  try {
    raw = await client.getJson(ENDPOINT);
  } catch (error) {
    if (error instanceof UnreachableError) throw error;
    // An abort's reason, or a bug: not ours to swallow.
    if (!(error instanceof UaHarvestError)) throw error;
    return undefined;
  }
  return isObject(raw)
    ? asString(raw["version"])?.trim() || undefined
    : undefined;
}

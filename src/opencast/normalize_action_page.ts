/**
 * Turns the raw JSON of `/usertracking/actions.json` into an
 * {@linkcode ActionPage}.
 *
 * @module
 */
import { describeValue } from "./_describe_value.ts";
import { ApiContractError } from "../errors.ts";
import type { ActionPage, UserAction } from "./types.ts";
import { asList, asNumber, asObject, asString, isObject } from "./_jettison.ts";

/**
 * Normalizes one page of user actions, whichever Opencast produced it: one
 * action as a bare object, no `action` key for an empty page, counters as
 * strings (≤ OC 7, DCE) or numbers, `sessionId` as an object (OC ≥ 2, DCE)
 * or as a string beside top-level `userId`/`userIp` (MH ≤ 1.6), numeric user
 * ids. `isPlaying` passes through as given (boolean upstream, 0/1/2 on DCE).
 *
 * @example Usage
 * ```ts
 * normalizeActionPage({ actions: { total: "0", offset: "0", limit: "10" } });
 * // { total: 0, offset: 0, limit: 10, actions: [] }
 * ```
 *
 * @param endpoint The endpoint named in error messages.
 * @throws {ApiContractError} When there is no `actions` root, a counter is
 * not a number, or an action lacks its `id` or `created`.
 */
export function normalizeActionPage(
  raw: unknown,
  endpoint = "/usertracking/actions.json",
): ActionPage {
  const root = isObject(raw) ? raw["actions"] : undefined;
  if (!isObject(root)) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered JSON without an "actions" object: is the host an Opencast engage node?`,
    );
  }
  const actions = asList(root["action"]).map((action, index) =>
    normalizeAction(action, index, endpoint)
  );
  return {
    total: counter(root, "total", endpoint) ?? actions.length,
    offset: counter(root, "offset", endpoint) ?? 0,
    limit: counter(root, "limit", endpoint) ?? actions.length,
    actions,
  };
}

function counter(
  root: Readonly<Record<string, unknown>>,
  name: string,
  endpoint: string,
): number | undefined {
  const value = root[name];
  if (value === undefined) return undefined;
  const number = asNumber(value);
  if (number === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered a non-numeric "${name}": ${
        describeValue(value)
      }`,
    );
  }
  return number;
}

function normalizeAction(
  raw: unknown,
  index: number,
  endpoint: string,
): UserAction {
  if (!isObject(raw)) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered an action that is not an object (action ${index})`,
    );
  }
  const id = asNumber(raw["id"]);
  if (id === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered an action without a numeric id (action ${index})`,
    );
  }
  const created = asString(raw["created"]);
  if (created === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered action ${id} without "created"`,
    );
  }
  // OC ≥ 2 (and DCE) nest the session; MH ≤ 1.6 flatten it.
  const session = asObject(raw["sessionId"]);
  const holder = session ?? raw;
  const inpoint = asNumber(raw["inpoint"]) ?? 0;
  const outpoint = asNumber(raw["outpoint"]) ?? inpoint;
  return {
    id,
    mediapackageId: asString(raw["mediapackageId"]) ?? "",
    sessionId: asString(session ? session["sessionId"] : raw["sessionId"]) ??
      null,
    userId: asString(holder["userId"]) ?? null,
    userIp: asString(holder["userIp"]) ?? null,
    userAgent: asString(holder["userAgent"]) ?? null,
    inpoint,
    outpoint,
    length: asNumber(raw["length"]) ?? outpoint - inpoint,
    type: asString(raw["type"]) ?? "",
    isPlaying: isPlaying(raw["isPlaying"]),
    created,
  };
}

function isPlaying(value: unknown): boolean | number {
  if (typeof value === "boolean" || typeof value === "number") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return asNumber(value) ?? false;
}

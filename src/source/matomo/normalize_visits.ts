/**
 * Checks and types the JSON of `Live.getLastVisitsDetails` (matomo-api.md
 * §2): ids come as strings in Matomo 5 (numbers elsewhere), so both are
 * read as numbers; custom dimensions are the `dimensionN` keys; anything a
 * record needs that is missing or malformed is one clear contract error.
 *
 * @module
 */
import { ApiContractError } from "../../errors.ts";
import { echoValue } from "../../util/echo_value.ts";
import type { MatomoAction, MatomoVisit } from "./matomo_types.ts";

const DIMENSION_KEY_REGEXP = /^dimension(\d+)$/;
const INTEGER_REGEXP = /^\d+$/;

/** Where a malformed value was, for the error message. */
type Path = () => string;

function fail(path: Path, what: string, value: unknown): never {
  throw new ApiContractError(
    `Matomo's Live.getLastVisitsDetails has ${path()} ${what}: ${
      echoValue(JSON.stringify(value) ?? String(value), 60)
    }`,
  );
}

/** A non-negative integer written as a number or a string of digits. */
function id(value: unknown, path: Path, name: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) {
    return value;
  }
  if (typeof value === "string" && INTEGER_REGEXP.test(value)) {
    const number = Number(value);
    if (Number.isSafeInteger(number)) return number;
  }
  return fail(() => `${path()} ${name}`, "that is not a whole number", value);
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

/**
 * Reads the answer of `Live.getLastVisitsDetails`.
 *
 * @param value The parsed JSON.
 * @returns The visits, in the order of the answer.
 * @throws {ApiContractError} When it is not a list of visits with ids,
 * timestamps and actions.
 */
export function normalizeVisits(value: unknown): MatomoVisit[] {
  if (!Array.isArray(value)) {
    return fail(() => "an answer", "that is not a list of visits", value);
  }
  return value.map((raw, index) => normalizeVisit(raw, index));
}

function normalizeVisit(raw: unknown, index: number): MatomoVisit {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail(() => `visit ${index}`, "that is not an object", raw);
  }
  const visit = raw as Record<string, unknown>;
  const at: Path = () => `visit ${index}`;
  const idVisit = id(visit.idVisit, at, "idVisit");
  const path: Path = () => `visit ${idVisit}`;
  const details = visit.actionDetails ?? [];
  if (!Array.isArray(details)) {
    return fail(() => `${path()} actionDetails`, "that is not a list", details);
  }
  const userId = optionalString(visit.userId);
  const visitIp = optionalString(visit.visitIp);
  return {
    idVisit,
    visitIp: visitIp === undefined || visitIp === "" ? null : visitIp,
    userId: userId === undefined || userId === "" ? null : userId,
    firstActionTimestamp: id(
      visit.firstActionTimestamp,
      path,
      "firstActionTimestamp",
    ),
    lastActionTimestamp: id(
      visit.lastActionTimestamp,
      path,
      "lastActionTimestamp",
    ),
    truncatedActionsCount: visit.truncatedActionsCount === undefined ||
        visit.truncatedActionsCount === null
      ? 0
      : id(visit.truncatedActionsCount, path, "truncatedActionsCount"),
    actions: details.map((action, n) => normalizeAction(action, path, n)),
  };
}

function normalizeAction(raw: unknown, visit: Path, n: number): MatomoAction {
  const at: Path = () => `${visit()} action ${n}`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail(at, "that is not an object", raw);
  }
  const action = raw as Record<string, unknown>;
  if (typeof action.type !== "string") {
    return fail(() => `${at()} type`, "that is not a string", action.type);
  }
  const dimensions = new Map<number, string>();
  for (const key in action) {
    const match = DIMENSION_KEY_REGEXP.exec(key);
    if (!match) continue;
    const value = optionalString(action[key]);
    if (value !== undefined && value !== "") {
      dimensions.set(Number(match[1]), value);
    }
  }
  return {
    type: action.type,
    pageId: id(action.pageId, at, "pageId"),
    timestamp: id(action.timestamp, at, "timestamp"),
    url: optionalString(action.url),
    eventCategory: optionalString(action.eventCategory),
    eventAction: optionalString(action.eventAction),
    eventName: optionalString(action.eventName),
    dimensions,
  };
}

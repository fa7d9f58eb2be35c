/**
 * A stored visit as Matomo 5's `Live.getLastVisitsDetails` writes it in JSON
 * (matomo-api.md §2): ids as strings, the visit's first and last action
 * times in true UTC, each action's `timestamp` the site-zone wall time read
 * as UTC (Matomo issue #22720) with `serverTimePretty` that wall time,
 * custom dimensions of the active ones only, actions cut to the per-visit
 * maximum with `truncatedActionsCount`, and no user agent string.
 *
 * @module
 */
import type { SimMatomoAction, SimVisit } from "./_visit_model.ts";

/** A custom dimension as `CustomDimensions.getConfiguredCustomDimensions` lists it. */
export interface SimCustomDimension {
  /** `idcustomdimension`: the `N` of `dimensionN`. */
  readonly id: number;
  /** The slot in its scope's table. */
  readonly index: number;
  readonly name: string;
  readonly scope: "action" | "visit";
  readonly active: boolean;
}

/** What formatting a visit needs besides the visit. */
export interface VisitJsonContext {
  readonly idSite: number;
  readonly siteName: string;
  readonly timeZone: string;
  readonly dimensions: readonly SimCustomDimension[];
  readonly maxActionsPerVisit: number;
  /** `log_action` ids of URLs, given out on first use. */
  readonly actionIds: Map<string, number>;
}

const MONTHS = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];
const LONG_MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
];

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/** The site-zone wall time of a true UTC epoch second. */
export function siteWallTime(
  seconds: number,
  timeZone: string,
): Temporal.PlainDateTime {
  return Temporal.Instant.fromEpochMilliseconds(seconds * 1000)
    .toZonedDateTimeISO(timeZone).toPlainDateTime();
}

/** Issue #22720: the wall time's digits read as if they were UTC. */
export function wallTimeAsUtcSeconds(wall: Temporal.PlainDateTime): number {
  return wall.toZonedDateTime("UTC").epochMilliseconds / 1000;
}

function clock(wall: Temporal.PlainDateTime): string {
  return `${pad2(wall.hour)}:${pad2(wall.minute)}:${pad2(wall.second)}`;
}

/** `Oct 27, 2024 02:30:00`, English `DATETIME_FORMAT_SHORT`. */
function prettyDateTime(wall: Temporal.PlainDateTime): string {
  return `${MONTHS[wall.month - 1]} ${wall.day}, ${wall.year} ${clock(wall)}`;
}

/** `Sunday, October 27, 2024`. */
function prettyDate(wall: Temporal.PlainDateTime): string {
  return `${DAYS[wall.dayOfWeek - 1]}, ${
    LONG_MONTHS[wall.month - 1]
  } ${wall.day}, ${wall.year}`;
}

function prettyDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes} min ${seconds % 60}s` : `${seconds}s`;
}

function utcDateTime(seconds: number): string {
  return Temporal.Instant.fromEpochMilliseconds(seconds * 1000).toString()
    .slice(0, 19).replace("T", " ");
}

/** A visit as `Live.getLastVisitsDetails` returns it. */
export function visitJson(
  visit: SimVisit,
  context: VisitJsonContext,
  options: { readonly withActions: boolean },
): Record<string, unknown> {
  const { timeZone, dimensions, maxActionsPerVisit } = context;
  const last = siteWallTime(visit.lastActionSeconds, timeZone);
  const first = siteWallTime(visit.firstActionSeconds, timeZone);
  const events = visit.actions.filter((a) => a.type === "event").length;
  const kept = options.withActions
    ? visit.actions.slice(0, maxActionsPerVisit)
    : [];
  const json: Record<string, unknown> = {
    idSite: String(context.idSite),
    idVisit: String(visit.idVisit),
    visitIp: visit.visitIp,
    visitorId: visit.visitorId,
    fingerprint: visit.fingerprint,
    actionDetails: kept.map((action, i) =>
      actionJson(action, i, visit, context)
    ),
    goalConversions: 0,
    siteCurrency: "EUR",
    siteCurrencySymbol: "€",
    serverDate: last.toPlainDate().toString(),
    visitServerHour: String(last.hour),
    lastActionTimestamp: visit.lastActionSeconds,
    lastActionDateTime: utcDateTime(visit.lastActionSeconds),
    siteName: context.siteName,
    serverTimestamp: visit.lastActionSeconds,
    firstActionTimestamp: visit.firstActionSeconds,
    serverTimePretty: clock(last),
    serverDatePretty: prettyDate(last),
    serverDatePrettyFirstAction: prettyDate(first),
    serverTimePrettyFirstAction: clock(first),
    userId: visit.userId,
    visitorType: "new",
    visitorTypeIcon: null,
    visitConverted: "0",
    visitConvertedIcon: null,
    visitCount: "1",
    visitEcommerceStatus: "none",
    visitEcommerceStatusIcon: null,
    daysSinceFirstVisit: "0",
    daysSinceLastEcommerceOrder: "0",
    visitDuration: String(visit.lastActionSeconds - visit.firstActionSeconds),
    visitDurationPretty: prettyDuration(
      visit.lastActionSeconds - visit.firstActionSeconds,
    ),
    searches: "0",
    actions: String(visit.actions.length),
    interactions: String(visit.actions.length - events),
    events: String(events),
    referrerType: "direct",
    referrerTypeName: "Direct Entry",
    referrerName: "",
    referrerKeyword: "",
    referrerKeywordPosition: null,
    referrerUrl: "",
    languageCode: "de-de",
    language: "German - Germany",
    deviceType: visit.deviceType,
    deviceBrand: "Unknown",
    deviceModel: "",
    operatingSystem: visit.operatingSystem,
    operatingSystemName: visit.operatingSystem.split(" ")[0],
    browser: `${visit.browserName} ${visit.browserVersion}`,
    browserName: visit.browserName,
    browserVersion: visit.browserVersion,
    continent: "Europe",
    continentCode: "eur",
    country: "Germany",
    countryCode: "de",
    resolution: "1920x1080",
  };
  for (const dimension of dimensions) {
    if (!dimension.active || dimension.scope !== "visit") continue;
    json[`dimension${dimension.id}`] = visit.visitDimensions[dimension.id] ??
      null;
  }
  if (options.withActions && visit.actions.length > maxActionsPerVisit) {
    json.truncatedActionsCount = visit.actions.length - maxActionsPerVisit;
  }
  return json;
}

function actionJson(
  action: SimMatomoAction,
  position: number,
  visit: SimVisit,
  context: VisitJsonContext,
): Record<string, unknown> {
  const wall = siteWallTime(action.seconds, context.timeZone);
  let actionId = context.actionIds.get(action.url);
  if (actionId === undefined) {
    actionId = context.actionIds.size + 10;
    context.actionIds.set(action.url, actionId);
  }
  const json: Record<string, unknown> = {
    type: action.type,
    url: action.url,
  };
  if (action.type === "action") {
    json.pageTitle = action.pageTitle ?? "";
  }
  json.pageIdAction = String(actionId);
  json.idpageview = action.idpageview;
  json.serverTimePretty = prettyDateTime(wall);
  json.pageId = String(action.pageId);
  if (action.type === "event") {
    json.eventCategory = action.eventCategory;
    json.eventAction = action.eventAction;
    if (action.eventName !== undefined) json.eventName = action.eventName;
  }
  if (action.type === "action") {
    // Time on the page: until the next page view, or the visit's end.
    const next = visit.actions.find((a) =>
      a.type === "action" && a.seconds > action.seconds
    );
    const spent = (next?.seconds ?? visit.lastActionSeconds) - action.seconds;
    json.timeSpent = String(spent);
    json.timeSpentPretty = prettyDuration(spent);
  }
  json.interactionPosition = String(position + 1);
  json.title = action.type === "event" ? "Event" : action.pageTitle ?? "";
  json.subtitle = action.type === "event"
    ? `Category: "${action.eventCategory}", Action: "${action.eventAction}"`
    : action.url;
  json.icon = action.type === "event"
    ? "plugins/Morpheus/images/event.png"
    : null;
  json.timestamp = wallTimeAsUtcSeconds(wall);
  for (const dimension of context.dimensions) {
    if (!dimension.active || dimension.scope !== "action") continue;
    json[`dimension${dimension.id}`] = action.dimensions[dimension.id] ?? null;
  }
  return json;
}

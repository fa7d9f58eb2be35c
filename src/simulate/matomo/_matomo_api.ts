/**
 * Matomo 5's reporting API on `index.php` (matomo-api.md §2), as a pure
 * function from the request's parameters to a status and a body: the token
 * only from the POST body, errors as `{"result":"error","message":…}`, and
 * the four methods a harvester uses.
 *
 * @module
 */
import type { VisitLog } from "./_visit_log.ts";
import { type SimCustomDimension, visitJson } from "./_visit_json.ts";

/** Whether and where the visitor log is switched off. */
export type VisitorLogSetting =
  | "enabled"
  | "disabled-globally"
  | "disabled-for-site";

/** The site and settings the API answers from. */
export interface MatomoApiContext {
  readonly log: VisitLog;
  readonly idSite: number;
  readonly siteName: string;
  readonly timeZone: string;
  readonly token: string;
  readonly version: string;
  readonly dimensions: readonly SimCustomDimension[];
  readonly maxActionsPerVisit: number;
  readonly visitorLog: VisitorLogSetting;
  readonly actionIds: Map<string, number>;
}

/** The counters the API keeps (see `MatomoSimulatorStats`). */
export interface MatomoApiCounters {
  requests: number;
  byMethod: Record<string, number>;
  unlimitedRequests: number;
  tokenInUrl: number;
  authFailures: number;
  largestLimit: number;
}

/** One request as the API sees it. */
export interface MatomoApiRequest {
  /** Query parameters (Matomo's `$_GET`). */
  readonly query: URLSearchParams;
  /** Form fields of a POST body (Matomo's `$_POST`). */
  readonly body: URLSearchParams;
}

/** An answer. */
export interface MatomoApiResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
}

/** After this many failed logins Matomo blocks the address (brute-force protection). */
export const BRUTE_FORCE_LIMIT = 20;

function json(status: number, value: unknown): MatomoApiResponse {
  return {
    status,
    body: JSON.stringify(value),
    contentType: "application/json; charset=utf-8",
  };
}

function error(status: number, message: string): MatomoApiResponse {
  return json(status, { result: "error", message });
}

/**
 * Answers one request to `index.php`.
 *
 * @param request The query and the POST body; `$_GET` wins over `$_POST`,
 * as `Common::getRequestVar` reads them.
 */
export function matomoApiResponse(
  request: MatomoApiRequest,
  context: MatomoApiContext,
  counters: MatomoApiCounters,
): MatomoApiResponse {
  const get = (name: string) =>
    request.query.get(name) ?? request.body.get(name);
  if (get("module") !== "API") {
    // index.php without module=API renders the login page.
    return {
      status: 200,
      body:
        '<!DOCTYPE html><html><head><title>Sign in - Matomo</title></head><body><form id="login_form"></form></body></html>',
      contentType: "text/html; charset=utf-8",
    };
  }
  counters.requests++;
  const method = get("method") ?? "";
  counters.byMethod[method] = (counters.byMethod[method] ?? 0) + 1;
  const response = answer(method, get, request, context, counters);
  if ((get("format") ?? "xml").toLowerCase() === "json") return response;
  // Matomo's default format is XML: a client that forgets format=JSON
  // gets this, whatever the answer was.
  return {
    status: response.status,
    body: `<?xml version="1.0" encoding="utf-8" ?>\n<result>${
      response.body.replace(/[<&]/g, " ")
    }</result>`,
    contentType: "text/xml; charset=utf-8",
  };
}

function answer(
  method: string,
  get: (name: string) => string | null,
  request: MatomoApiRequest,
  context: MatomoApiContext,
  counters: MatomoApiCounters,
): MatomoApiResponse {
  if (counters.authFailures >= BRUTE_FORCE_LIMIT) {
    return error(
      401,
      "You are currently not allowed to log in because you had too many failed logins, try again later.",
    );
  }
  if (request.query.has("token_auth")) {
    // Matomo 5 tokens are "secure only": never read from the URL.
    counters.tokenInUrl++;
    counters.authFailures++;
    return error(
      401,
      "Unable to authenticate with the provided token. It is either invalid, expired or is required to be sent as a POST parameter.",
    );
  }
  const token = request.body.get("token_auth");
  if (token === null || token === "" || token === "anonymous") {
    return error(
      401,
      `You can't access this resource as it requires 'view' access for the website id = ${context.idSite}.`,
    );
  }
  if (token !== context.token) {
    counters.authFailures++;
    return error(
      401,
      "Unable to authenticate with the provided token. It is either invalid or expired.",
    );
  }
  const [module, action] = method.split(".");
  switch (method) {
    case "API.getMatomoVersion":
      return json(200, { value: context.version });
    case "SitesManager.getSiteFromId":
      return withSite(get, context, () => json(200, siteJson(context)));
    case "CustomDimensions.getConfiguredCustomDimensions":
      return withSite(get, context, () =>
        json(
          200,
          context.dimensions.map((d) => ({
            idcustomdimension: String(d.id),
            idsite: String(context.idSite),
            name: d.name,
            index: String(d.index),
            scope: d.scope,
            active: d.active,
            extractions: [],
            case_sensitive: true,
          })),
        ));
    case "Live.getLastVisitsDetails":
      return withSite(get, context, () => lastVisits(get, context, counters));
  }
  if (!module || !action) {
    return error(
      400,
      `The method '${method}' is not valid. Expected Module.methodName.`,
    );
  }
  return error(
    400,
    `The method '${action}' does not exist or is not available in the module '\\Piwik\\Plugins\\${module}\\API'.`,
  );
}

function withSite(
  get: (name: string) => string | null,
  context: MatomoApiContext,
  then: () => MatomoApiResponse,
): MatomoApiResponse {
  const raw = get("idSite");
  if (raw === null || raw === "") {
    return error(400, "Please specify a value for 'idSite'.");
  }
  if (Number(raw) !== context.idSite) {
    return error(
      401,
      `An unexpected website was found in the request: website id was set to '${raw}' .`,
    );
  }
  return then();
}

function siteJson(context: MatomoApiContext): Record<string, unknown> {
  return {
    idsite: String(context.idSite),
    name: context.siteName,
    main_url: "https://video.example.edu",
    ts_created: "2021-09-01 08:00:00",
    ecommerce: "0",
    sitesearch: "1",
    sitesearch_keyword_parameters: "",
    sitesearch_category_parameters: "",
    timezone: context.timeZone,
    currency: "EUR",
    exclude_unknown_urls: "0",
    excluded_ips: "",
    excluded_parameters: "",
    excluded_user_agents: "",
    excluded_referrers: "",
    group: "",
    type: "website",
    keep_url_fragment: "0",
    creator_login: "admin",
  };
}

/** PHP's `(int)` of a request value: leading digits, else 0. */
function phpInt(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  const match = /^\s*([+-]?\d+)/.exec(raw);
  return match ? Number(match[1]) : 0;
}

function lastVisits(
  get: (name: string) => string | null,
  context: MatomoApiContext,
  counters: MatomoApiCounters,
): MatomoApiResponse {
  if (context.visitorLog === "disabled-globally") {
    return error(
      400,
      "Visits log is deactivated globally. A user with super user access can enable this feature in the general settings.",
    );
  }
  if (context.visitorLog === "disabled-for-site") {
    return error(
      400,
      `Visits log is deactivated in website settings. A user with at least admin access can enable this feature in the settings for this website (idSite=${context.idSite}).`,
    );
  }
  const rawMin = get("minTimestamp");
  const minTimestamp = rawMin !== null && /^\s*-?\d+(\.\d+)?\s*$/.test(rawMin)
    ? Math.trunc(Number(rawMin))
    : undefined;
  const count = get("countVisitorsToFetch");
  let limit = count !== null && count !== ""
    ? phpInt(count, 10)
    : phpInt(get("filter_limit"), 10);
  const offset = count !== null && count !== ""
    ? 0
    : Math.max(0, phpInt(get("filter_offset"), 0));
  if (limit < 1) {
    // -1 loads every visit with all its actions into memory.
    counters.unlimitedRequests++;
    limit = Infinity;
  } else {
    counters.largestLimit = Math.max(counters.largestLimit, limit);
  }
  const period = periodBounds(get("period"), get("date"), context.timeZone);
  if (typeof period === "string") return error(400, period);
  const ascending = (get("filter_sort_order") ?? "").toLowerCase() === "asc";
  const doNotFetchActions = ["1", "true"].includes(
    (get("doNotFetchActions") ?? "").toLowerCase(),
  );
  let visits = context.log.query({
    minTimestamp,
    fromSeconds: period?.from,
    toSeconds: period?.to,
    ascending,
    offset: 0,
  });
  const segment = get("segment");
  if (segment) {
    const match = /^eventCategory==(.+)$/.exec(segment);
    if (!match) {
      return error(400, `The segment condition '${segment}' is not valid.`);
    }
    const category = decodeURIComponent(match[1]!);
    visits = visits.filter((visit) =>
      visit.actions.some((a) => a.eventCategory === category)
    );
  }
  visits = visits.slice(
    offset,
    limit === Infinity ? undefined : offset + limit,
  );
  return json(
    200,
    visits.map((visit) =>
      visitJson(visit, context, { withActions: !doNotFetchActions })
    ),
  );
}

/**
 * The epoch-second bounds of `period`/`date` in the site's zone; `undefined`
 * without both; a message for an unknown period or date.
 */
function periodBounds(
  period: string | null,
  date: string | null,
  timeZone: string,
): { from: number; to: number } | string | undefined {
  if (!period || !date) return undefined;
  const today = Temporal.Now.zonedDateTimeISO(timeZone).toPlainDate();
  const day = (text: string): Temporal.PlainDate =>
    text === "today"
      ? today
      : text === "yesterday"
      ? today.subtract({ days: 1 })
      : Temporal.PlainDate.from(text);
  let start: Temporal.PlainDate;
  let end: Temporal.PlainDate;
  try {
    if (period === "range") {
      const [a, b] = date.split(",");
      start = day(a ?? "");
      end = day(b ?? "");
    } else {
      const d = day(date);
      switch (period) {
        case "day":
          start = end = d;
          break;
        case "week":
          start = d.subtract({ days: d.dayOfWeek - 1 });
          end = start.add({ days: 6 });
          break;
        case "month":
          start = d.with({ day: 1 });
          end = start.add({ months: 1 }).subtract({ days: 1 });
          break;
        case "year":
          start = d.with({ month: 1, day: 1 });
          end = d.with({ month: 12, day: 31 });
          break;
        default:
          return `The period '${period}' is not supported. Try any of the following instead: day, week, month, year, range`;
      }
    }
  } catch {
    return `Date format must be: YYYY-MM-DD, or 'today' or 'yesterday' or any keyword supported by the strtotime function (see http://php.net/strtotime for more information): ${date}`;
  }
  const from = start.toZonedDateTime(timeZone).epochMilliseconds / 1000;
  const to = end.add({ days: 1 }).toZonedDateTime(timeZone).epochMilliseconds /
      1000 - 1;
  return { from, to };
}

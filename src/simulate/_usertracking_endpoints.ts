/**
 * The simulated `/usertracking` endpoints (opencast-api.md §3): the action
 * list with upstream's filter precedence and `day` arithmetic, the DCE
 * `start`/`end` window, and single actions by id.
 *
 * @module
 */
import type { ActionQuery } from "./_action_store.ts";
import {
  type EndpointContext,
  intParam,
  jaxbJson,
  NOT_FOUND,
  type SimResponse,
  textResponse,
} from "./_endpoints.ts";
import type { SimAction } from "./_generate.ts";
import { javaWallTime, parseDayParameter } from "./_java_calendar.ts";
import { element, leaf, type XmlElement } from "./_jettison.ts";

/** A DCE `YYYYMMDDHHmmss` wall time read like Java in the server zone. */
function parseWindowBound(raw: string, timeZone: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(raw);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  try {
    // The digits must name a real calendar time; only DST makes it ambiguous.
    Temporal.PlainDateTime.from(
      { year, month, day, hour, minute, second },
      { overflow: "reject" },
    );
  } catch {
    return null;
  }
  return javaWallTime(
    { year, month, day, hour, minute, second, millisecond: 0 },
    timeZone,
  ).epochMilliseconds;
}

/** The seconds and milliseconds the server clock shows now (or pinned). */
function clockSeconds(
  context: EndpointContext,
): { second: number; millisecond: number } {
  if (context.daySeconds !== undefined) {
    const second = Math.floor(context.daySeconds);
    return {
      second,
      millisecond: Math.round((context.daySeconds - second) * 1000),
    };
  }
  const now = Temporal.Now.zonedDateTimeISO(context.timeZone);
  return { second: now.second, millisecond: now.millisecond };
}

/**
 * Upstream's `day` window: `set(y, m, d, 0, 0)` and `set(y, m, d, 23, 59)` on
 * a calendar that keeps the clock's seconds and milliseconds, so the window
 * is `[D 00:00:SS.mmm, D 23:59:SS.mmm]`, inclusive. `null` for a 500.
 */
function dayWindow(
  raw: string,
  context: EndpointContext,
): [number, number] | null {
  const date = parseDayParameter(raw);
  if (!date) return null;
  const { second, millisecond } = clockSeconds(context);
  const at = (hour: number, minute: number) =>
    javaWallTime(
      { ...date, hour, minute, second, millisecond },
      context.timeZone,
    ).epochMilliseconds;
  try {
    return [at(0, 0), at(23, 59)];
  } catch {
    return null; // a year Temporal cannot hold
  }
}

function actionElement(
  action: SimAction,
  context: EndpointContext,
): XmlElement {
  return element("action", undefined, [
    leaf("id", action.id),
    leaf("mediapackageId", action.mediapackageId),
    element("sessionId", undefined, [
      leaf("sessionId", action.sessionId),
      leaf("userId", action.userId),
      leaf("userIp", action.userIp),
      leaf("userAgent", action.userAgent),
    ]),
    leaf("inpoint", action.inpoint),
    leaf("outpoint", action.outpoint),
    leaf("length", action.length),
    leaf("type", action.type),
    leaf(
      "isPlaying",
      context.traits.isPlayingInteger ? action.isPlaying : action.isPlaying > 0,
    ),
    leaf("created", action.createdText),
  ]);
}

/**
 * The filter of an `actions.json` request; a response when the request
 * fails before the query (a 400 window or a 500 `day`).
 */
function actionQuery(
  params: URLSearchParams,
  context: EndpointContext,
): ActionQuery | SimResponse {
  const order = context.order;
  const type = params.get("type") || undefined;
  const id = params.get("id") || undefined;
  const day = params.get("day") || undefined;
  if (context.traits.actionWindow) {
    // The DCE fork: a `start`/`end` window (with `type` when given) comes
    // before upstream's filters.
    const bounds: (number | undefined)[] = [];
    for (const name of ["start", "end"] as const) {
      const raw = params.get(name);
      if (raw === null || raw === "") {
        bounds.push(undefined);
        continue;
      }
      const ms = parseWindowBound(raw, context.timeZone);
      if (ms === null) {
        return textResponse(400, `Bad Request: ${name} must be yyyyMMddHHmmss`);
      }
      bounds.push(ms);
    }
    const [fromMs, toMs] = bounds;
    if (fromMs !== undefined || toMs !== undefined) {
      return { type, fromMs, toMs, order };
    }
  }
  if (id !== undefined && type !== undefined) {
    return { type, mediapackageId: id, order };
  }
  if (day !== undefined) {
    const window = dayWindow(day, context);
    if (!window) {
      return textResponse(500, "java.lang.NumberFormatException");
    }
    return { type, fromMs: window[0], toMs: window[1], order };
  }
  return { type, order };
}

/**
 * `GET /usertracking/actions.json`. Upstream precedence: `id`+`type`, then
 * `type`+`day`, `type`, `day`, all rows (`id` alone is ignored). `limit`
 * missing or 0 is 10, negative 400, non-numeric 404; `offset` is a row
 * offset; `total` counts the filter.
 */
export function actionsResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  const limitParam = intParam(params, "limit");
  const offsetParam = intParam(params, "offset");
  if (limitParam === null || offsetParam === null) return NOT_FOUND;
  if ((limitParam ?? 0) < 0 || (offsetParam ?? 0) < 0) {
    return textResponse(400, "Bad Request");
  }
  const limit = limitParam || 10;
  const offset = offsetParam ?? 0;
  const query = actionQuery(params, context);
  if ("status" in query) return query;
  const rows = context.store.query(query);
  const page = rows.slice(offset, offset + limit);
  return jaxbJson(
    element(
      "actions",
      { total: rows.length, offset, limit },
      page.map((action) => actionElement(action, context)),
    ),
    context,
  );
}

/**
 * `GET /usertracking/action/{id}.json`: `{"action":{…}}`, or 204 with no
 * body for an unknown id (the service returns a null entity); a path id
 * that is not a number is a JAX-RS 404.
 */
export function actionByIdResponse(
  rawId: string,
  context: EndpointContext,
): SimResponse {
  if (!/^[+-]?[0-9]{1,18}$/.test(rawId)) return NOT_FOUND;
  const action = context.store.byId(Number(rawId));
  if (!action) return { status: 204, body: "", contentType: "text/plain" };
  return jaxbJson(actionElement(action, context), context);
}

/**
 * Pages of Matomo visits for one window, read by cursor (matomo-api.md §2):
 * `Live.getLastVisitsDetails` in ascending order of the visits' last action
 * time, `minTimestamp` (strict) as the cursor, a bounded `filter_limit`, and
 * `filter_offset` only to get past the visits that share the cursor's second.
 *
 * Which visits hold a window's actions: a visit's last action is at or after
 * each of its actions, so every visit with an action in `[start, end]` has
 * its last action after `start - 1`; those with their last action by `end`
 * are read with their actions (the core). A visit can go on long after the
 * window's end, though (a lecture watched for two hours, anonymous viewers
 * merged into one visit), so the visits past `end` (the tail) are listed
 * without their actions, and only those that began by `end` are fetched with
 * them, until the visits' last actions pass `until` (or the log ends, as it
 * does at once for a window that ends now).
 *
 * @module
 */
import type { LastVisitsQuery } from "./matomo_client.ts";
import type { MatomoVisit } from "./matomo_types.ts";

/** Options for {@linkcode visitPages}. */
export interface VisitPagesOptions {
  /** One `Live.getLastVisitsDetails` page (`MatomoClient.lastVisits`). */
  readonly lastVisits: (query: LastVisitsQuery) => Promise<MatomoVisit[]>;
  readonly idSite: number;
  /** Read the visits whose last action is after this epoch second (strict). */
  readonly after: number;
  /** The window's last epoch second: visits past it are listed without actions. */
  readonly end: number;
  /** Stop once the visits' last actions are past this epoch second. */
  readonly until: number;
  /** Visits per page read with their actions (at least 2). */
  readonly visitsPerPage: number;
  /** Visits per page of the tail, listed without actions (at least 2). */
  readonly tailVisitsPerPage: number;
  /**
   * Waits before every list page but the first (`--wait`); the fetches of
   * tail visits by their place follow at once. Without it, each list page
   * is asked for while the one before is handed on.
   */
  readonly pause?: () => Promise<void>;
  /** Aborted: no more requests. */
  readonly signal?: AbortSignal;
}

/** Visits read with their actions, with what reading them cost. */
export interface VisitPage {
  /** Each visit at most once with the same last action time. */
  readonly visits: readonly MatomoVisit[];
  /** List pages and tail fetches sent for them. */
  readonly requests: number;
}

/**
 * A visit as the scan last placed it: its second and its index among the
 * visits of that second read so far.
 */
interface Placed {
  readonly visit: MatomoVisit;
  readonly groupIndex: number;
}

/** Candidates this close together in a tail page are fetched with one request. */
const CLUSTER_GAP = 4;
/** Extra visits asked for when a tail visit is fetched again from its second's start. */
const REFETCH_SLACK = 10;

/**
 * Reads the visits of a window page by page (see the module documentation).
 * The next page starts at the last visit's second (`minTimestamp` one
 * second before it) with `filter_offset` at that last visit, which must come
 * back first: when it does not, visits of that second moved (a visit that
 * gets a new action moves to the end of the order), and the second is read
 * again from its start, so no visit is passed over; what is read twice is
 * dropped here (the same visit with the same last action) or by its action
 * ids (the caller).
 */
export async function* visitPages(
  options: VisitPagesOptions,
): AsyncGenerator<VisitPage> {
  const { lastVisits, idSite, end, until, signal } = options;
  if (options.visitsPerPage < 2 || options.tailVisitsPerPage < 2) {
    throw new RangeError(
      "Cannot page Matomo visits as 'visitsPerPage' and 'tailVisitsPerPage' must be at least 2",
    );
  }
  // Visits read with their actions, by id: their last action time then.
  const fetched = new Map<number, number>();
  let cursor = options.after;
  let anchor: MatomoVisit | undefined;
  let groupSecond = Number.NaN;
  let groupCount = 0;
  let tail = false;
  let requests = 0;
  let first = true;
  // The next list page, asked for before this one's visits are handed on
  // (with no pause between pages): Matomo builds it while they are mapped.
  let ahead: { query: LastVisitsQuery; answer: Promise<MatomoVisit[]> } | null =
    null;
  const query = (): LastVisitsQuery => ({
    idSite,
    minTimestamp: cursor,
    limit: tail ? options.tailVisitsPerPage : options.visitsPerPage,
    offset: anchor === undefined ? 0 : groupCount - 1,
    withoutActions: tail,
  });
  for (;;) {
    if (signal?.aborted) return;
    let asked: LastVisitsQuery;
    let raw: MatomoVisit[];
    if (ahead !== null) {
      ({ query: asked } = ahead);
      raw = await ahead.answer;
      ahead = null;
    } else {
      if (!first) await options.pause?.();
      if (signal?.aborted) return;
      asked = query();
      raw = await lastVisits(asked);
    }
    first = false;
    requests++;
    const { limit, offset = 0 } = asked;
    let page = raw;
    if (anchor !== undefined) {
      const head = raw[0];
      if (
        head?.idVisit === anchor.idVisit &&
        head.lastActionTimestamp === anchor.lastActionTimestamp
      ) {
        page = raw.slice(1);
      } else if (offset > 0) {
        // Visits of this second moved: read it again from its start.
        anchor = undefined;
        groupCount = 0;
        continue;
      }
    }
    const visits: MatomoVisit[] = [];
    const candidates: Placed[] = [];
    const placed: Placed[] = [];
    for (const visit of page) {
      if (visit.lastActionTimestamp === groupSecond) {
        groupCount++;
      } else {
        groupSecond = visit.lastActionTimestamp;
        groupCount = 1;
      }
      const at = { visit, groupIndex: groupCount - 1 };
      placed.push(at);
      if (fetched.get(visit.idVisit) === visit.lastActionTimestamp) continue;
      // A Matomo that ignores doNotFetchActions sent the actions anyway.
      if (!tail || visit.actions.length > 0) {
        fetched.set(visit.idVisit, visit.lastActionTimestamp);
        visits.push(visit);
      } else if (
        visit.firstActionTimestamp <= end && visit.lastActionTimestamp <= until
      ) {
        // Began by the window's end: it may hold actions of the window.
        candidates.push(at);
      }
    }
    anchor = page.at(-1) ?? anchor;
    if (page.length > 0) cursor = groupSecond - 1;
    let done = raw.length < limit || anchor === undefined ||
      anchor.lastActionTimestamp > until;
    if (!done && anchor!.lastActionTimestamp > end) tail = true;
    if (!done && options.pause === undefined && !signal?.aborted) {
      const next = query();
      ahead = { query: next, answer: lastVisits(next) };
      // Seen when it is awaited; never an unhandled rejection before that.
      ahead.answer.catch(() => {});
    }
    let missing = 0;
    for (const cluster of clusters(candidates, placed)) {
      const found = await fetchPlaced(cluster, options);
      requests += found.requests;
      missing += found.missing;
      for (const visit of found.visits) {
        fetched.set(visit.idVisit, visit.lastActionTimestamp);
        visits.push(visit);
      }
    }
    // A visit that moved on since it was listed sits further on now: the
    // scan goes on to meet it, even past what was the end of the log.
    if (missing > 0 && anchor !== undefined) done = false;
    yield { visits, requests };
    requests = 0;
    if (done) return;
  }
}

/** A run of tail candidates, and how many visits of the page it spans. */
interface Run {
  readonly placed: Placed[];
  span: number;
}

/** Candidates of one tail page in runs close enough to fetch together. */
function clusters(
  candidates: readonly Placed[],
  placed: readonly Placed[],
): Run[] {
  const index = new Map(placed.map((p, i) => [p, i]));
  const runs: Run[] = [];
  let lastIndex = -Infinity;
  for (const candidate of candidates) {
    const at = index.get(candidate)!;
    const run = runs.at(-1);
    if (run !== undefined && at - lastIndex <= CLUSTER_GAP) {
      run.placed.push(candidate);
      run.span += at - lastIndex;
    } else {
      runs.push({ placed: [candidate], span: 1 });
    }
    lastIndex = at;
  }
  return runs;
}

/**
 * Fetches tail visits with their actions by their place: one request for a
 * run of them, then each one missing from its answer again from its
 * second's start. A visit found having moved on is taken as it is now (its
 * actions then are all still there); one still missing moved on past where
 * it was looked for, and is counted, so the scan goes on to meet it.
 */
async function fetchPlaced(
  run: Run,
  options: VisitPagesOptions,
): Promise<{ visits: MatomoVisit[]; requests: number; missing: number }> {
  const { lastVisits, idSite } = options;
  const first = run.placed[0]!;
  const wanted = new Map(run.placed.map((p) => [p.visit.idVisit, p]));
  const visits: MatomoVisit[] = [];
  const take = (answer: readonly MatomoVisit[]) => {
    for (const visit of answer) {
      if (wanted.delete(visit.idVisit)) visits.push(visit);
    }
  };
  take(
    await lastVisits({
      idSite,
      minTimestamp: first.visit.lastActionTimestamp - 1,
      offset: first.groupIndex,
      limit: Math.max(2, run.span),
    }),
  );
  let requests = 1;
  for (const placed of [...wanted.values()]) {
    requests++;
    take(
      await lastVisits({
        idSite,
        minTimestamp: placed.visit.lastActionTimestamp - 1,
        offset: 0,
        limit: placed.groupIndex + 1 + REFETCH_SLACK,
      }),
    );
  }
  return { visits, requests, missing: wanted.size };
}

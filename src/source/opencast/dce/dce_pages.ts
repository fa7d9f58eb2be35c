import { DEFAULT_PAGE_REQUESTS_IN_FLIGHT } from "../../../config/defaults.ts";
import type { ActionPage } from "../../../opencast/types.ts";
import { dceWindowParameters } from "./dce_window_parameters.ts";
import type { OpencastBatch, PageQuery } from "../opencast_batch.ts";

/** Options for {@linkcode dcePages}. */
export interface DcePagesOptions {
  readonly start: Temporal.Instant;
  readonly end: Temporal.Instant;
  /** The Opencast server's zone, for the `YYYYMMDDHHmmss` parameters. */
  readonly zone: string;
  /** Actions per page. */
  readonly batchSize: number;
  /** Fetches one page of the window. */
  readonly fetchPage: (query: PageQuery) => Promise<ActionPage>;
  /**
   * Page requests in flight at once, once the first page's `total` says how
   * many pages there are. `1` asks for one page after the other.
   * @default {@linkcode DEFAULT_PAGE_REQUESTS_IN_FLIGHT}
   */
  readonly requestsInFlight?: number;
}

/**
 * The DCE fork's pages of `[start, end]`, sent as unambiguous wall times, in
 * offset order. The first page's `total` tells how many pages the window
 * has, so the next ones are asked for a few at a time rather than one round
 * trip after the other; past that count (actions that arrived meanwhile) it
 * goes on one page at a time. Paging stops at the first page shorter than
 * the limit, so a window costs no extra request.
 *
 * Pages asked for together may be answered in either order. An action
 * committed late inside an earlier page's range between the two answers
 * shifts the rows, and the row at the seam would fall between the pages. So
 * each page asked for ahead starts one row early: that row must be the last
 * one (or any) of the page before. When it is not, the page is asked for
 * again, now that the page before has been answered, which can only repeat
 * a row, never skip one.
 */
export async function* dcePages(
  options: DcePagesOptions,
): AsyncGenerator<OpencastBatch> {
  const {
    fetchPage,
    batchSize,
    requestsInFlight = DEFAULT_PAGE_REQUESTS_IN_FLIGHT,
  } = options;
  const { start, end } = dceWindowParameters(
    options.start,
    options.end,
    options.zone,
  );
  // The row each page after the first shares with the page before.
  const overlap = requestsInFlight > 1 ? 1 : 0;
  const limit = batchSize + overlap;
  const offsetOf = (index: number) =>
    index === 0 ? 0 : index * batchSize - overlap;
  const ask = (index: number) => {
    const page = fetchPage({
      start,
      end,
      limit: index === 0 ? batchSize : limit,
      offset: offsetOf(index),
    });
    // Seen in order below; never an unhandled rejection meanwhile.
    page.catch(() => {});
    return page;
  };
  const first = await ask(0);
  yield { actions: first.actions, pages: 1, probes: 0, total: first.total };
  // A server that ignores the limit (more rows than asked for) and sent
  // every row it counts has nothing left to page.
  const sentAll = (page: ActionPage, offset: number, asked: number) =>
    page.actions.length > asked && offset + page.actions.length >= page.total;
  if (first.actions.length < batchSize || sentAll(first, 0, batchSize)) return;
  const promised = first.total;
  const ahead: Promise<ActionPage>[] = [];
  let previous = new Set(first.actions.map((action) => action.id));
  let asked = 1;
  try {
    for (let index = 1;; index++) {
      while (
        ahead.length === 0 ||
        (ahead.length < requestsInFlight && asked * batchSize < promised)
      ) {
        ahead.push(ask(asked++));
      }
      let page = await ahead.shift()!;
      let pages = 1;
      const seam = page.actions[0];
      if (overlap > 0 && seam !== undefined && !previous.has(seam.id)) {
        page = await ask(index);
        pages++;
      }
      const opening = page.actions[0];
      // The shared row was delivered with the page before.
      const actions = overlap > 0 && opening !== undefined &&
          previous.has(opening.id)
        ? page.actions.slice(1)
        : page.actions;
      yield { actions, pages, probes: 0 };
      // A page shorter than asked ends the window, unless it holds a whole
      // `batchSize` and the server counts rows past it: a server that caps
      // the limit at the page size answers so, and the window goes on (its
      // pages then meet without sharing a row, each asked for twice).
      const rows = page.actions.length;
      if (
        rows < batchSize ||
        (rows < limit && offsetOf(index) + rows >= page.total) ||
        sentAll(page, offsetOf(index), limit)
      ) {
        return;
      }
      previous = new Set(page.actions.map((action) => action.id));
    }
  } finally {
    // Pages asked for past a short one, or when the consumer stopped.
    await Promise.allSettled(ahead);
  }
}

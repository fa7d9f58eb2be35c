import { DEFAULT_PAGE_REQUESTS_IN_FLIGHT } from "../config/defaults.ts";
import type { ActionPage } from "../opencast/types.ts";
import { dceWindowParameters } from "./dce_window_parameters.ts";
import type { PageQuery, SourceBatch } from "./source_batch.ts";

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
 */
export async function* dcePages(
  options: DcePagesOptions,
): AsyncGenerator<SourceBatch> {
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
  const ask = (offset: number) => {
    const page = fetchPage({ start, end, limit: batchSize, offset });
    // Seen in order below; never an unhandled rejection meanwhile.
    page.catch(() => {});
    return page;
  };
  const first = await ask(0);
  yield { actions: first.actions, pages: 1, probes: 0, total: first.total };
  if (first.actions.length < batchSize) return;
  const promised = first.total;
  const ahead: Promise<ActionPage>[] = [];
  let offset = batchSize;
  try {
    for (;;) {
      while (
        ahead.length === 0 ||
        (ahead.length < requestsInFlight && offset < promised)
      ) {
        ahead.push(ask(offset));
        offset += batchSize;
      }
      const page = await ahead.shift()!;
      yield { actions: page.actions, pages: 1, probes: 0 };
      if (page.actions.length < batchSize) return;
    }
  } finally {
    // Pages asked for past a short one, or when the consumer stopped.
    await Promise.allSettled(ahead);
  }
}

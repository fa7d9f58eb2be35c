/**
 * `visitPages()` against an in-memory visit log that answers as Matomo's
 * `Live.getLastVisitsDetails` does (last action time, then id; strict
 * `minTimestamp`; offset and limit), changing between requests where a test
 * says so.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { LastVisitsQuery } from "../../../src/source/matomo/matomo_client.ts";
import type { MatomoVisit } from "../../../src/source/matomo/matomo_types.ts";
import { visitPages } from "../../../src/source/matomo/visit_pages.ts";

interface Log {
  visits: MatomoVisit[];
  queries: LastVisitsQuery[];
  /** Called before each answer, with how many requests came before. */
  before?: (request: number) => void;
}

function visit(
  idVisit: number,
  first: number,
  last: number,
  actions = 1,
): MatomoVisit {
  return {
    idVisit,
    visitIp: "10.0.0.0",
    userId: null,
    firstActionTimestamp: first,
    lastActionTimestamp: last,
    truncatedActionsCount: 0,
    actions: Array.from({ length: actions }, (_, i) => ({
      type: "action",
      pageId: idVisit * 1000 + i,
      timestamp: first,
      dimensions: new Map(),
    })),
  };
}

function fakeLastVisits(log: Log) {
  return (query: LastVisitsQuery): Promise<MatomoVisit[]> => {
    log.before?.(log.queries.length);
    log.queries.push(query);
    assert.ok(query.limit >= 1, "never -1");
    const { minTimestamp = -Infinity, offset = 0, limit } = query;
    const found = log.visits
      .filter((v) => v.lastActionTimestamp > minTimestamp)
      .sort((a, b) =>
        a.lastActionTimestamp - b.lastActionTimestamp || a.idVisit - b.idVisit
      )
      .slice(offset, offset + limit)
      .map((v) => query.withoutActions ? { ...v, actions: [] } : v);
    return Promise.resolve(found);
  };
}

async function readAll(
  log: Log,
  options: { after: number; end: number; until?: number; perPage?: number },
): Promise<MatomoVisit[]> {
  const read: MatomoVisit[] = [];
  for await (
    const page of visitPages({
      lastVisits: fakeLastVisits(log),
      idSite: 1,
      after: options.after,
      end: options.end,
      until: options.until ?? options.end + 86_400,
      visitsPerPage: options.perPage ?? 3,
      tailVisitsPerPage: options.perPage ?? 3,
    })
  ) {
    read.push(...page.visits);
  }
  return read;
}

Deno.test("visitPages() gets past many visits that share one second with filter_offset, each visit once", async () => {
  const log: Log = {
    visits: [
      visit(1, 50, 99),
      ...Array.from({ length: 10 }, (_, i) => visit(10 + i, 90, 100)),
      visit(30, 95, 101),
    ],
    queries: [],
  };
  const read = await readAll(log, { after: 0, end: 200 });
  assert.deepEqual(
    read.map((v) => v.idVisit),
    [1, ...Array.from({ length: 10 }, (_, i) => 10 + i), 30],
  );
  // Past the first page: minTimestamp one second before the last visit's,
  // the offset at that visit within its second.
  assert.deepEqual(
    log.queries.map((q) => [q.minTimestamp, q.offset]),
    [[0, 0], [99, 1], [99, 3], [99, 5], [99, 7], [99, 9]],
  );
  assert.ok(log.queries.every((q) => q.limit === 3 && !q.withoutActions));
});

Deno.test("visitPages() reads a second again from its start when a visit of it moved on, and passes none over", async () => {
  const log: Log = {
    visits: Array.from({ length: 6 }, (_, i) => visit(1 + i, 90, 100)),
    queries: [],
    before(request) {
      // Between the first and the second page, visit 1 (already read) gets
      // a new action: it moves to the end, the rest of its second shifts.
      if (request === 1) log.visits[0] = visit(1, 90, 150, 2);
    },
  };
  const read = await readAll(log, { after: 0, end: 200 });
  assert.deepEqual(
    [...new Set(read.map((v) => v.idVisit))].sort((a, b) => a - b),
    [1, 2, 3, 4, 5, 6],
  );
  assert.equal(
    read.filter((v) => v.idVisit === 1).length,
    2,
    "read again with its new action",
  );
  assert.deepEqual(log.queries[2], {
    idSite: 1,
    minTimestamp: 99,
    limit: 3,
    offset: 0,
    withoutActions: false,
  });
});

Deno.test("visitPages() lists the visits past the window's end without actions and fetches those that began by then", async () => {
  const log: Log = {
    visits: [
      visit(1, 10, 90),
      visit(2, 50, 120), // spans the end (100)
      visit(3, 110, 130), // began after it
      visit(4, 105, 140),
      visit(5, 80, 5000), // a long visit
      visit(6, 60, 200_000), // past `until`
    ],
    queries: [],
  };
  const read = await readAll(log, {
    after: 0,
    end: 100,
    until: 100 + 86_400,
    perPage: 2,
  });
  assert.deepEqual(read.map((v) => v.idVisit), [1, 2, 5]);
  assert.ok(read.every((v) => v.actions.length > 0), "with their actions");
  const tail = log.queries.filter((q) => q.withoutActions);
  assert.ok(tail.length > 0, "the tail is listed without actions");
  assert.ok(
    log.queries.every((q) => q.withoutActions || (q.minTimestamp ?? 0) < 5000),
    "visits with actions only up to the long visit",
  );
});

Deno.test("visitPages() reads every visit of a window exactly, with seconds shared and visits moving on between pages (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          first: fc.integer({ min: 0, max: 40 }),
          length: fc.integer({ min: 0, max: 30 }),
        }),
        { maxLength: 25 },
      ),
      fc.array(
        fc.tuple(fc.nat(24), fc.constantFrom(51, 55, 80, 200)),
        { maxLength: 8 },
      ),
      fc.integer({ min: 2, max: 5 }),
      async (shapes, movers, perPage) => {
        const end = 50;
        const log: Log = {
          visits: shapes.map(({ first, length }, i) =>
            visit(i + 1, first, first + length)
          ),
          queries: [],
          before(request) {
            // Now and then a visit gets a new action past the window.
            const [index, last] =
              movers[request % Math.max(1, movers.length)] ??
                [];
            if (index !== undefined && index < log.visits.length) {
              const v = log.visits[index]!;
              if (last! > v.lastActionTimestamp) {
                log.visits[index] = visit(
                  v.idVisit,
                  v.firstActionTimestamp,
                  last!,
                );
              }
            }
          },
        };
        const read = new Set(
          (await readAll(log, { after: 9, end, perPage })).map((v) =>
            v.idVisit
          ),
        );
        // Every visit with an action from second 10 to the end began by the
        // end and ended at 10 or later before it moved on (what it got since
        // lies past the end).
        for (const [i, { first, length }] of shapes.entries()) {
          if (first <= end && first + length >= 10) {
            assert.ok(read.has(i + 1), `visit ${i + 1} read`);
          }
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("visitPages() takes the tail's visits as they come when Matomo ignores doNotFetchActions", async () => {
  const log: Log = {
    visits: [visit(1, 10, 90), visit(2, 50, 120), visit(3, 110, 130)],
    queries: [],
  };
  const lastVisits = fakeLastVisits(log);
  const read: MatomoVisit[] = [];
  for await (
    const page of visitPages({
      // Answers with the actions whatever it is asked.
      lastVisits: (query) => lastVisits({ ...query, withoutActions: false }),
      idSite: 1,
      after: 0,
      end: 100,
      until: 1000,
      visitsPerPage: 2,
      tailVisitsPerPage: 2,
    })
  ) {
    read.push(...page.visits);
  }
  assert.deepEqual(read.map((v) => v.idVisit), [1, 2, 3]);
  // List pages only: [1, 2], then from 2 (the anchor) [2, 3], then [3].
  assert.equal(log.queries.length, 3, "no visit fetched again");
});

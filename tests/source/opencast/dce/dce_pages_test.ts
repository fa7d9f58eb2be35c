import assert from "node:assert/strict";
import { dcePages } from "../../../../src/source/opencast/dce/dce_pages.ts";
import type { PageQuery } from "../../../../src/source/opencast/opencast_batch.ts";
import type { ActionPage, UserAction } from "../../../../src/opencast/types.ts";
import { pageOf, userAction } from "../../../support/user_action.ts";
import { countInFlight } from "../../../support/in_flight.ts";

const START = Temporal.Instant.from("2024-03-01T15:00:00Z");
const END = Temporal.Instant.from("2024-03-01T16:00:00Z");

/**
 * A DCE engage node over `rows` (growing by `arrivals` after the first
 * answer), counting the requests in flight.
 */
function engage(rows: number, arrivals = 0) {
  const all: UserAction[] = Array.from(
    { length: rows },
    (_, i) => userAction(i + 1, "2024-03-01T10:30:00-05:00"),
  );
  const offsets: number[] = [];
  const inFlight = countInFlight();
  return {
    offsets,
    most: () => inFlight.most,
    async fetchPage(query: PageQuery): Promise<ActionPage> {
      offsets.push(query.offset);
      await inFlight.count(() =>
        new Promise((resolve) => setTimeout(resolve, 2))
      );
      const page = pageOf(all, query);
      for (let i = 0; i < arrivals; i++) {
        all.push(userAction(all.length + 1, "2024-03-01T10:30:00-05:00"));
      }
      arrivals = 0;
      return page;
    },
  };
}

async function ids(pages: AsyncIterable<{ actions: readonly UserAction[] }>) {
  const seen: number[] = [];
  for await (const page of pages) seen.push(...page.actions.map((a) => a.id));
  return seen;
}

const options = { start: START, end: END, zone: "America/New_York" };

Deno.test("dcePages() asks for the pages the first page's total promises two at a time, in order, with no extra request", async () => {
  const server = engage(1000);
  const seen = await ids(
    dcePages({ ...options, batchSize: 100, fetchPage: server.fetchPage }),
  );
  assert.deepEqual(seen, Array.from({ length: 1000 }, (_, i) => i + 1));
  assert.equal(server.most(), 2);
  // 10 full pages, each after the first one row early (the row it shares
  // with the page before), and the one that shows the window ends there.
  assert.deepEqual(
    server.offsets.toSorted((a, b) => a - b),
    [0, 99, 199, 299, 399, 499, 599, 699, 799, 899, 999],
  );
});

Deno.test("dcePages() stops at the first short page", async () => {
  const server = engage(950);
  const seen = await ids(
    dcePages({ ...options, batchSize: 100, fetchPage: server.fetchPage }),
  );
  assert.equal(seen.length, 950);
  assert.equal(server.offsets.length, 10);
});

Deno.test("dcePages() goes on one page at a time past the total when actions arrived meanwhile", async () => {
  const server = engage(300, 250);
  const seen = await ids(
    dcePages({ ...options, batchSize: 100, fetchPage: server.fetchPage }),
  );
  assert.deepEqual(seen, Array.from({ length: 550 }, (_, i) => i + 1));
  assert.equal(server.offsets.length, 6);
});

Deno.test("dcePages() asks one page at a time when told to", async () => {
  const server = engage(500);
  await ids(
    dcePages({
      ...options,
      batchSize: 100,
      fetchPage: server.fetchPage,
      requestsInFlight: 1,
    }),
  );
  assert.equal(server.most(), 1);
});

Deno.test("dcePages() loses no row when an action committed inside a page shifts the rows between two answers", async () => {
  const all = Array.from(
    { length: 350 },
    (_, i) => userAction(i + 1, "2024-03-01T10:30:00-05:00"),
  );
  const offsets: number[] = [];
  let late = false;
  const answer = (query: PageQuery): ActionPage => pageOf(all, query);
  const fetchPage = async (query: PageQuery): Promise<ActionPage> => {
    offsets.push(query.offset);
    if (query.offset === 99 && !late) {
      // Page 2 waits: page 3 is answered first, then an action is
      // committed inside page 2's range, then page 2 is answered.
      await new Promise((resolve) => setTimeout(resolve, 20));
      late = true;
      all.splice(150, 0, userAction(1000, "2024-03-01T10:30:00-05:00"));
    }
    return answer(query);
  };
  const batches = [];
  for await (
    const batch of dcePages({ ...options, batchSize: 100, fetchPage })
  ) batches.push(batch);
  const seen = batches.flatMap((batch) => batch.actions.map((a) => a.id));
  assert.deepEqual(
    seen.toSorted((a, b) => a - b),
    [...Array.from({ length: 350 }, (_, i) => i + 1), 1000],
    "every row once: none fell between the pages",
  );
  assert.ok(
    offsets.filter((offset) => offset === 199).length === 2,
    `page 3 asked for again: ${offsets}`,
  );
  assert.equal(batches.reduce((sum, batch) => sum + batch.pages, 0), 5);
});

Deno.test("dcePages() goes on to the end on a server that caps the limit at the page size", async () => {
  const all = Array.from(
    { length: 450 },
    (_, i) => userAction(i + 1, "2024-03-01T10:30:00-05:00"),
  );
  const fetchPage = (query: PageQuery): Promise<ActionPage> =>
    Promise.resolve({
      total: all.length,
      offset: query.offset,
      limit: query.limit,
      // Never more than 100 rows, whatever was asked for.
      actions: all.slice(
        query.offset,
        query.offset + Math.min(query.limit, 100),
      ),
    });
  const seen = await ids(dcePages({ ...options, batchSize: 100, fetchPage }));
  assert.deepEqual(
    seen.toSorted((a, b) => a - b),
    Array.from({ length: 450 }, (_, i) => i + 1),
  );
});

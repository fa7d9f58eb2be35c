import assert from "node:assert/strict";
import {
  createOpencastSource,
  type OpencastSourceOptions,
} from "../../../src/source/opencast/opencast_source.ts";
import type { UsertrackingRequests } from "../../../src/source/opencast/usertracking_requests.ts";
import type { SourceWindow } from "../../../src/source/action_source.ts";
import type { FetchActionsOptions } from "../../../src/opencast/fetch_actions.ts";
import type { UserAction } from "../../../src/opencast/types.ts";
import { ApiContractError } from "../../../src/errors.ts";
import { captureLogs, logLine } from "../../support/capture_logs.ts";
import { pageOf, userAction } from "../../support/user_action.ts";

const NY = "America/New_York";

/** Requests answering every DCE page from `rows`, recording when each was asked. */
function dceRequests(rows: readonly UserAction[]) {
  const asked: { query: FetchActionsOptions; at: number }[] = [];
  let requests = 0;
  const fake: UsertrackingRequests = {
    fetchPage(query) {
      requests++;
      asked.push({ query, at: performance.now() });
      return Promise.resolve(pageOf(rows, query));
    },
    fetchById: () => Promise.reject(new Error("DCE asks for no id")),
    fetchAnchor: () => Promise.reject(new Error("DCE needs no anchor")),
    get requests() {
      return requests;
    },
  };
  return { fake, asked };
}

function window(overrides: Partial<SourceWindow> = {}): SourceWindow {
  return {
    start: Temporal.Instant.from("2024-03-01T15:00:00Z"),
    end: Temporal.Instant.from("2024-03-01T16:00:00Z"),
    skipIds: new Set(),
    mark: null,
    position: undefined,
    continuesCheckpoint: false,
    ...overrides,
  };
}

async function readAll(iterable: AsyncIterable<unknown>) {
  const all = [];
  for await (const item of iterable) all.push(item);
  return all;
}

/** The Opencast source on `fake` in New York's zone, as engage.test unless told. */
function sourceOf(
  api: "dce" | "upstream",
  requests: OpencastSourceOptions["requests"],
  options: Partial<OpencastSourceOptions> = {},
) {
  return createOpencastSource({
    api,
    zone: NY,
    batchSize: 10,
    requests,
    host: "engage.test",
    ...options,
  });
}

Deno.test("createOpencastSource() says what it is, and only upstream holds the checkpoint and a cron run's end back", () => {
  const { fake } = dceRequests([]);
  const dce = sourceOf("dce", fake, {
    batchSize: 10,
    host: "engage.example.edu",
  });
  assert.equal(dce.name, "opencast");
  assert.equal(dce.variant, "dce");
  assert.equal(dce.description, "Opencast (dce) at engage.example.edu");
  assert.equal(dce.holdBackSeconds, 0);
  assert.equal(dce.latestEnd, undefined, "any end can be read");
  const upstream = sourceOf("upstream", fake, {
    batchSize: 10,
    host: "engage.example.edu",
  });
  assert.equal(upstream.variant, "upstream");
  assert.equal(upstream.holdBackSeconds, 10);
  // 00:00:30 in New York: inside the edge no day query surely returns.
  assert.equal(
    upstream.latestEnd!(Temporal.Instant.from("2024-03-02T05:00:30Z"))
      .toString(),
    "2024-03-02T04:59:00Z",
  );
  const noon = Temporal.Instant.from("2024-03-02T17:00:00Z");
  assert.equal(upstream.latestEnd!(noon), noon);
});

Deno.test("createOpencastSource() warns once when created carries another offset than the zone gives", async () => {
  const { fake } = dceRequests([
    userAction(1, "2024-03-01T15:30:00+00:00"),
    userAction(2, "2024-03-01T10:30:00-05:00"),
  ]);
  const source = sourceOf("dce", fake, { batchSize: 1 });
  const [, records] = await captureLogs(() => readAll(source.read(window())));
  const warnings = records.filter((r) => r.level === "warning").map(logLine);
  assert.equal(warnings.length, 1, warnings.join("\n"));
  assert.match(warnings[0]!, /offset \+00:00/);
});

Deno.test("createOpencastSource() with --wait pauses between page requests, one at a time, and counts them", async () => {
  const rows = Array.from(
    { length: 5 },
    (_, i) => userAction(i + 1, `2024-03-01T10:00:0${i}-05:00`),
  );
  const { fake, asked } = dceRequests(rows);
  // The pause as the source takes it: its length, and how many pages had
  // been asked for when it began (on a clock where no time passes).
  const pauses: [number, number][] = [];
  const clock = {
    now: () => Temporal.Instant.from("2024-03-01T17:00:00Z"),
    sleep: (ms: number) => {
      pauses.push([ms, asked.length]);
      return Promise.resolve();
    },
  };
  const source = sourceOf("dce", fake, { batchSize: 2, waitMs: 30, clock });
  const batches = await readAll(source.read(window()));
  assert.equal(batches.length, 3);
  assert.deepEqual(
    asked.map(({ query }) => [query.offset, query.limit]),
    [[0, 2], [2, 2], [4, 2]],
    "pages meet without a shared row when asked for one at a time",
  );
  // Before each request after the first, a pause of --wait.
  assert.deepEqual(
    pauses.filter(([, before]) => before < asked.length),
    [[30, 1], [30, 2]],
  );
  assert.equal(source.requests, 3);
});

Deno.test("createOpencastSource() stops requesting once the signal aborts", async () => {
  const rows = Array.from(
    { length: 6 },
    (_, i) => userAction(i + 1, `2024-03-01T10:00:0${i}-05:00`),
  );
  const { fake, asked } = dceRequests(rows);
  const source = sourceOf("dce", fake, { batchSize: 2, waitMs: 10_000 });
  const stop = new AbortController();
  const read = [];
  for await (const batch of source.read(window(), { signal: stop.signal })) {
    read.push(batch);
    stop.abort("SIGTERM");
  }
  assert.equal(read.length, 1, "no pause sat out, no page more");
  assert.equal(asked.length, 1);
});

Deno.test("createOpencastSource() refuses a malformed day cursor in its position before any request", async () => {
  const { fake, asked } = dceRequests([]);
  const source = sourceOf("upstream", fake, { batchSize: 10 });
  await assert.rejects(
    readAll(source.read(window({
      position: { cursor: { day: "2026-12-04", offset: 1, id: 1 } },
      continuesCheckpoint: true,
    }))),
    (error: unknown) =>
      error instanceof ApiContractError && /'cursor'/.test(error.message),
  );
  assert.equal(asked.length, 0);
});

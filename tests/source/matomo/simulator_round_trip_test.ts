/**
 * The Matomo building blocks against the Matomo simulator, end to end: every
 * visit read over HTTP by cursor (ascending, `minTimestamp` with an
 * overlap, a bounded `filter_limit`, dropping action ids already seen),
 * through the site's zone, the episode dimension choice and the mapping,
 * gives exactly the simulator's ground truth (made from what it generated,
 * not from its JSON), daylight-saving changes and live arrivals included.
 */
import assert from "node:assert/strict";
import type { ViewerAction } from "../../../src/record/viewer_action.ts";
import { chooseEpisodeDimension } from "../../../src/source/matomo/choose_episode_dimension.ts";
import { MatomoClient } from "../../../src/source/matomo/matomo_client.ts";
import {
  MATOMO_SKIP_REASONS,
  type MatomoSkipReason,
} from "../../../src/source/matomo/matomo_types.ts";
import { siteTimeZone } from "../../../src/source/matomo/site_time.ts";
import { visitViewerActions } from "../../../src/source/matomo/visit_viewer_actions.ts";
import type { MatomoSimulator } from "../../../src/simulate/start_matomo_simulator.ts";
import { matomoSimulator } from "../../support/simulator.ts";

const SPAN_END = Temporal.Instant.from("2024-11-04T12:00:00Z");

interface Harvest {
  readonly actions: Map<number, ViewerAction>;
  /** Per visit, as last read (a visit read again holds all it had). */
  readonly skipped: Map<number, Record<MatomoSkipReason, number>>;
  readonly readable: Set<number>;
  readonly truncated: Map<number, number>;
  readonly cursor: number;
}

/** Reads every visit after `cursor - overlap` page by page, as a cron run would. */
async function read(
  sim: MatomoSimulator,
  previous?: Harvest,
  overlapSeconds = 600,
): Promise<Harvest> {
  const matomo = new MatomoClient({ url: sim.url, tokenAuth: sim.tokenAuth });
  const site = await matomo.site(sim.idSite);
  const timeZone = siteTimeZone(site.timezone);
  const dimension = chooseEpisodeDimension(
    await matomo.customDimensions(sim.idSite),
  );
  const actions = new Map(previous?.actions);
  const skipped = new Map(previous?.skipped);
  const readable = new Set(previous?.readable);
  const truncated = new Map(previous?.truncated);
  let cursor = previous === undefined
    ? undefined
    : previous.cursor - overlapSeconds;
  let newest = previous?.cursor ?? 0;
  for (;;) {
    const visits = await matomo.lastVisits({
      idSite: sim.idSite,
      minTimestamp: cursor,
      limit: 50,
    });
    for (const visit of visits) {
      const result = visitViewerActions(visit, {
        timeZone,
        episodeDimension: dimension?.id ?? null,
      });
      for (const action of result.actions) actions.set(action.id, action);
      for (const action of visit.actions) readable.add(action.pageId);
      skipped.set(visit.idVisit, result.skipped);
      if (result.truncated) {
        truncated.set(result.truncated.idVisit, result.truncated.count);
      }
      newest = Math.max(newest, visit.lastActionTimestamp);
    }
    if (visits.length < 50) break;
    // Visits sharing the last second could straddle the page end: step back one.
    cursor = visits.at(-1)!.lastActionTimestamp - 1;
  }
  return { actions, skipped, readable, truncated, cursor: newest };
}

function assertMatchesTruth(harvest: Harvest, sim: MatomoSimulator): void {
  const truth = sim.groundTruth();
  const got = [...harvest.actions.values()].sort((a, b) =>
    Date.parse(a.created) - Date.parse(b.created) || a.id - b.id
  );
  assert.equal(got.length, truth.actions.length);
  assert.deepEqual(got, truth.actions);
  const skippedIds = [...harvest.readable].filter((id) =>
    !harvest.actions.has(id)
  );
  assert.deepEqual(
    new Set(skippedIds),
    new Set(truth.skipped.map((s) => s.pageId)),
  );
  for (const reason of MATOMO_SKIP_REASONS) {
    const counted = [...harvest.skipped.values()].reduce(
      (sum, counts) => sum + counts[reason],
      0,
    );
    assert.equal(
      counted,
      truth.skipped.filter((s) => s.reason === reason).length,
      reason,
    );
  }
  assert.deepEqual(
    [...harvest.truncated].sort((a, b) => a[0] - b[0]),
    truth.truncated.map((t) => [t.idVisit, t.count]),
  );
}

Deno.test("Matomo blocks read the simulator exactly: every record, skip and cut visit, across daylight-saving changes", async () => {
  await using sim = await matomoSimulator({
    spanEnd: SPAN_END,
    actions: 2000,
    maxActionsPerVisit: 300,
  });
  const harvest = await read(sim);
  assertMatchesTruth(harvest, sim);
  assert.ok(harvest.truncated.size > 0, "no truncated visit to check");
  // Both occurrences of the repeated hour are among the records.
  const change = sim.dstTransitions().at(-1)!.epochMilliseconds;
  const inRepeatedHour = (offsetHours: number) =>
    [...harvest.actions.values()].some((a) => {
      const t = Date.parse(a.created);
      return t >= change + offsetHours * 3_600_000 &&
        t < change + (offsetHours + 1) * 3_600_000;
    });
  assert.ok(inRepeatedHour(-1) && inRepeatedHour(0));
});

Deno.test("Matomo blocks follow live arrivals: appended actions, new visits and a late visit within the overlap", async () => {
  await using sim = await matomoSimulator({
    spanEnd: SPAN_END,
    actions: 600,
    timezone: "America/New_York",
  });
  let harvest = await read(sim);
  assertMatchesTruth(harvest, sim);
  for (let run = 1; run <= 3; run++) {
    const at = SPAN_END.add({ minutes: 2 * run });
    sim.arrive({
      at,
      appends: 40,
      newVisits: 5,
      lateVisits: 1,
      lateMinutes: 4,
    });
    harvest = await read(sim, harvest);
    assertMatchesTruth(harvest, sim);
  }
});

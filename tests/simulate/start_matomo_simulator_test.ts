/**
 * The Matomo simulator speaks Matomo 5's reporting API as matomo-api.md §2
 * describes it: the token in the POST body only, errors as JSON, the four
 * methods, `Live.getLastVisitsDetails` paging and order, the wall-time
 * `timestamp`, truncated visits, and the visits an Opencast 18+ site has.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import type { MatomoSimulatorOptions } from "../../src/simulate/start_matomo_simulator.ts";
import { matomoSimulator } from "../support/simulator.ts";
import { startSimulator } from "../../src/simulate/start_simulator.ts";

// Two hours before the fall-back in Berlin's zone (2024-10-27 03:00 CEST → 02:00 CET).
const SPAN_END = Temporal.Instant.from("2024-11-04T12:00:00Z");

// deno-lint-ignore no-explicit-any
type Json = any;

function start(options: MatomoSimulatorOptions = {}) {
  return matomoSimulator({
    spanEnd: SPAN_END,
    ...options,
  });
}

/** POSTs to index.php with the parameters in the body (and `query` in the URL). */
async function call(
  url: string,
  body: Record<string, string>,
  query = "",
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${url}/index.php${query}`, {
    method: "POST",
    body: new URLSearchParams({ module: "API", format: "JSON", ...body }),
  });
  return { status: response.status, json: await response.json() };
}

async function api(
  sim: { url: string; tokenAuth: string },
  method: string,
  params: Record<string, string> = {},
): Promise<Json> {
  const { status, json } = await call(sim.url, {
    method,
    token_auth: sim.tokenAuth,
    ...params,
  });
  assert.equal(status, 200, JSON.stringify(json));
  return json;
}

Deno.test("Matomo simulator: the token only in the POST body; a token in the URL and a wrong token are 401 with Matomo's messages", async () => {
  await using sim = await start({ actions: 50 });
  const inUrl = await call(
    sim.url,
    { method: "API.getMatomoVersion" },
    `?token_auth=${sim.tokenAuth}`,
  );
  assert.equal(inUrl.status, 401);
  assert.equal(inUrl.json.result, "error");
  assert.match(inUrl.json.message, /required to be sent as a POST parameter/);
  const wrong = await call(sim.url, {
    method: "API.getMatomoVersion",
    token_auth: "not-the-token",
  });
  assert.deepEqual(wrong, {
    status: 401,
    json: {
      result: "error",
      message:
        "Unable to authenticate with the provided token. It is either invalid or expired.",
    },
  });
  const none = await call(sim.url, { method: "API.getMatomoVersion" });
  assert.equal(none.status, 401);
  assert.match(none.json.message, /'view' access/);
  assert.deepEqual(await api(sim, "API.getMatomoVersion"), {
    value: "5.3.2",
  });
  const stats = sim.stats();
  assert.equal(stats.tokenInUrl, 1);
  assert.equal(stats.authFailures, 2);
  assert.equal(stats.byMethod["API.getMatomoVersion"], 4);
  assert.ok(sim.requestLog().every((params) => !("token_auth" in params)));
});

Deno.test("Matomo simulator: site, dimensions, unknown methods and sites", async () => {
  await using sim = await start({ actions: 50, timezone: "America/Chicago" });
  const site = await api(sim, "SitesManager.getSiteFromId", { idSite: "1" });
  assert.equal(site.idsite, "1");
  assert.equal(site.timezone, "America/Chicago");
  const dimensions = await api(
    sim,
    "CustomDimensions.getConfiguredCustomDimensions",
    { idSite: "1" },
  );
  assert.deepEqual(
    dimensions.map((d: Json) => [d.idcustomdimension, d.scope, d.active]),
    [["1", "action", true], ["2", "action", true], ["3", "visit", true]],
  );
  const unknown = await call(sim.url, {
    method: "Live.getEverything",
    token_auth: sim.tokenAuth,
  });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.result, "error");
  const otherSite = await call(sim.url, {
    method: "SitesManager.getSiteFromId",
    idSite: "7",
    token_auth: sim.tokenAuth,
  });
  assert.equal(otherSite.json.result, "error");
  // Without format=JSON Matomo answers XML.
  const xml = await fetch(`${sim.url}/index.php`, {
    method: "POST",
    body: new URLSearchParams({
      module: "API",
      method: "API.getMatomoVersion",
      token_auth: sim.tokenAuth,
    }),
  });
  assert.match(await xml.text(), /^<\?xml/);
});

Deno.test("Matomo simulator: getLastVisitsDetails pages 10 by default, ascending or descending by last action time then idVisit, minTimestamp strict", async () => {
  await using sim = await start({ actions: 1500 });
  const all = [...sim.visits()].sort((a, b) =>
    a.lastActionSeconds - b.lastActionSeconds || a.idVisit - b.idVisit
  );
  const ids = (visits: Json[]) => visits.map((v) => Number(v.idVisit));
  const base = { idSite: "1" };
  const byDefault = await api(sim, "Live.getLastVisitsDetails", base);
  assert.equal(byDefault.length, 10);
  assert.deepEqual(
    ids(byDefault),
    all.slice(-10).reverse().map((v) => v.idVisit),
  );
  const ascending = await api(sim, "Live.getLastVisitsDetails", {
    ...base,
    filter_sort_order: "asc",
    filter_limit: "25",
    filter_offset: "5",
  });
  assert.deepEqual(ids(ascending), all.slice(5, 30).map((v) => v.idVisit));
  // Strictly after minTimestamp.
  const pivot = all[40]!.lastActionSeconds;
  const after = await api(sim, "Live.getLastVisitsDetails", {
    ...base,
    filter_sort_order: "asc",
    filter_limit: "1000",
    minTimestamp: String(pivot),
  });
  assert.deepEqual(
    ids(after),
    all.filter((v) => v.lastActionSeconds > pivot).map((v) => v.idVisit),
  );
  assert.ok(after.every((v: Json) => v.lastActionTimestamp > pivot));
  // -1 returns everything, and is counted: a harvester must never send it.
  const everything = await api(sim, "Live.getLastVisitsDetails", {
    ...base,
    filter_limit: "-1",
  });
  assert.equal(everything.length, all.length);
  assert.equal(sim.stats().unlimitedRequests, 1);
  assert.equal(sim.stats().largestLimit, 1000);
  const light = await api(sim, "Live.getLastVisitsDetails", {
    ...base,
    doNotFetchActions: "1",
  });
  assert.ok(light.every((v: Json) => v.actionDetails.length === 0));
});

Deno.test("Matomo simulator: ids are strings, visit times true UTC, action timestamps the site's wall time read as UTC", async () => {
  await using sim = await start({ actions: 600 });
  const visits: Json[] = await api(sim, "Live.getLastVisitsDetails", {
    idSite: "1",
    filter_limit: "100000",
  });
  const offsets = new Set<number>();
  for (const visit of visits) {
    assert.equal(typeof visit.idVisit, "string");
    assert.equal(typeof visit.idSite, "string");
    assert.match(visit.visitIp, /\.0\.0$|::$/);
    assert.ok(
      !Object.keys(visit).some((key) => /agent/i.test(key)),
      "a user agent",
    );
    const stored = sim.visits().find((v) =>
      v.idVisit === Number(visit.idVisit)
    )!;
    assert.equal(visit.firstActionTimestamp, stored.firstActionSeconds);
    assert.equal(visit.lastActionTimestamp, stored.lastActionSeconds);
    for (const [i, action] of visit.actionDetails.entries()) {
      assert.equal(typeof action.pageId, "string");
      const truth = stored.actions[i]!;
      assert.equal(Number(action.pageId), truth.pageId);
      const offset = action.timestamp - truth.seconds;
      offsets.add(offset);
      const wall = Temporal.Instant.fromEpochMilliseconds(truth.seconds * 1000)
        .toZonedDateTimeISO("Europe/Berlin");
      assert.equal(offset, wall.offsetNanoseconds / 1e9);
      assert.ok(
        action.serverTimePretty.endsWith(wall.toPlainTime().toString()),
        action.serverTimePretty,
      );
    }
  }
  // Summer and winter time: the data crosses a change.
  assert.deepEqual([...offsets].sort(), [3600, 7200]);
  // Across the fall-back some visit's wall-clock timestamps go back an hour.
  assert.ok(
    visits.some((v) =>
      v.actionDetails.some((a: Json, i: number) =>
        i > 0 && a.timestamp < v.actionDetails[i - 1].timestamp
      )
    ),
    "no visit across the fall-back",
  );
  assert.deepEqual(sim.dstTransitions().map(String), [
    "2024-03-31T01:00:00Z",
    "2024-10-27T01:00:00Z",
  ]);
});

Deno.test("Matomo simulator: the visits of an Opencast 18+ site", async () => {
  await using sim = await start({ actions: 3000, seed: 7 });
  await using opencast = await startSimulator({
    port: 0,
    quiet: true,
    seed: 7,
    flavor: "oc16",
    usertracking: false,
  });
  const visits: Json[] = await api(sim, "Live.getLastVisitsDetails", {
    idSite: "1",
    filter_limit: "100000",
  });
  const actions = visits.flatMap((v) =>
    v.actionDetails.map((a: Json) => ({ ...a, visit: v }))
  );
  const episodes = new Set(opencast.episodes().map((e) => e.id));
  assert.deepEqual(sim.episodes().map((e) => e.id), [...episodes]);
  // Stock Paella 8: watch-page views with timeSpent.
  const stock = actions.filter((a) =>
    a.type === "action" && /\/paella8\/ui\/watch\.html\?id=/.test(a.url)
  );
  assert.ok(stock.length > 0 && stock.every((a) => a.timeSpent !== undefined));
  // Tobira: PaellaPlayer events with the episode in action dimension 1.
  const tobira = actions.filter((a) =>
    a.eventCategory === "PaellaPlayer" && a.dimension1
  );
  assert.ok(tobira.some((a) => a.eventAction === "paella:timeupdate"));
  const seeks = tobira.filter((a) => a.eventAction === "paella:seek");
  assert.ok(
    seeks.length > 0 && seeks.every((a) => /^\d+(\.\d+)?$/.test(a.eventName)),
  );
  assert.ok(
    tobira.some((a) => a.eventAction === "paella:play" && !("eventName" in a)),
  );
  // Paella 7: the event name is the episode id.
  assert.ok(
    actions.some((a) =>
      a.eventCategory === "PaellaPlayer" && episodes.has(a.eventName) &&
      !a.dimension1
    ),
  );
  // The anonymous merged visit, and visits with two videos whose visit
  // dimension names only the last.
  assert.ok(visits.some((v) => v.userId === "anonymous"));
  const twoVideos = visits.filter((v) =>
    new Set(v.actionDetails.map((a: Json) => a.dimension1).filter(Boolean))
      .size > 1
  );
  assert.ok(twoVideos.length > 0);
  for (const visit of twoVideos) {
    const named = visit.actionDetails.filter((a: Json) => a.dimension1);
    assert.equal(visit.dimension3, named.at(-1).dimension1);
  }
  // What must be skipped is there too.
  assert.ok(
    actions.some((a) =>
      a.type === "event" && a.eventCategory !== "PaellaPlayer"
    ),
  );
  assert.ok(actions.some((a) => a.type === "outlink" || a.type === "download"));
  // The ground truth names episodes of the catalog or the few unknown ones.
  const truth = sim.groundTruth();
  const unknown = truth.actions.filter((a) => !episodes.has(a.mediapackageId));
  assert.ok(unknown.length < truth.actions.length * 0.1);
  assert.deepEqual(
    new Set(truth.actions.map((a) => a.type)),
    new Set([
      "VIEW",
      "PLAY",
      "PAUSE",
      "SEEK",
      "ENDED",
      "VOLUMECHANGED",
      "PLAYBACKRATECHANGED",
    ]),
  );
  const reasons = new Set(truth.skipped.map((s) => s.reason));
  for (
    const reason of [
      "timeupdate",
      "other-category",
      "page-without-episode",
      "other-type",
    ]
  ) {
    assert.ok(reasons.has(reason as never), reason);
  }
  // Without the action dimension Tobira's actions name no episode.
  const none = sim.groundTruth({ episodeDimension: null });
  assert.ok(none.actions.length < truth.actions.length);
  assert.ok(none.skipped.some((s) => s.reason === "event-without-episode"));
});

Deno.test("Matomo simulator: actions past visitor_log_maximum_actions_per_visit are cut and left out of the ground truth", async () => {
  await using sim = await start({ actions: 800, maxActionsPerVisit: 20 });
  const visits: Json[] = await api(sim, "Live.getLastVisitsDetails", {
    idSite: "1",
    filter_limit: "100000",
  });
  const cut = visits.filter((v) => v.truncatedActionsCount !== undefined);
  assert.ok(cut.length > 0);
  for (const visit of visits) {
    assert.ok(visit.actionDetails.length <= 20);
    const stored = sim.visits().find((v) =>
      v.idVisit === Number(visit.idVisit)
    )!;
    assert.equal(
      visit.truncatedActionsCount,
      stored.actions.length > 20 ? stored.actions.length - 20 : undefined,
    );
  }
  const truth = sim.groundTruth();
  assert.deepEqual(
    truth.truncated.map((t) => [t.idVisit, t.count]),
    cut.map((v) => [Number(v.idVisit), v.truncatedActionsCount])
      .sort((a, b) => a[0] - b[0]),
  );
  const readable = new Set(
    visits.flatMap((v) => v.actionDetails.map((a: Json) => Number(a.pageId))),
  );
  assert.ok(truth.actions.every((a) => readable.has(a.id)));
  assert.ok(truth.skipped.every((s) => readable.has(s.pageId)));
  assert.equal(truth.actions.length + truth.skipped.length, readable.size);
});

Deno.test("Matomo simulator: the visits log deactivated, globally or for the site", async () => {
  await using sim = await start({
    actions: 50,
    visitorLog: "disabled-globally",
  });
  const off = await call(sim.url, {
    method: "Live.getLastVisitsDetails",
    idSite: "1",
    token_auth: sim.tokenAuth,
  });
  assert.equal(off.json.result, "error");
  assert.match(off.json.message, /^Visits log is deactivated globally/);
  sim.setVisitorLog("disabled-for-site");
  const site = await call(sim.url, {
    method: "Live.getLastVisitsDetails",
    idSite: "1",
    token_auth: sim.tokenAuth,
  });
  assert.match(
    site.json.message,
    /^Visits log is deactivated in website settings/,
  );
  sim.setVisitorLog("enabled");
  assert.ok(
    Array.isArray(await api(sim, "Live.getLastVisitsDetails", { idSite: "1" })),
  );
});

Deno.test("Matomo simulator: arrivals append to open visits (moving them forward), start visits, and queued tracking inserts late ones", async () => {
  await using sim = await start({ actions: 400 });
  const now = SPAN_END.add({ seconds: 30 });
  const before = sim.groundTruth();
  const maxPageId = Math.max(
    ...sim.visits().flatMap((v) => v.actions.map((a) => a.pageId)),
  );
  const lastTimes = new Map(
    sim.visits().map((v) => [v.idVisit, v.lastActionSeconds]),
  );
  const appended = sim.arrive({ at: now, appends: 30 });
  const nowSeconds = now.epochMilliseconds / 1000;
  assert.ok(appended.visits.length > 0);
  for (const id of appended.visits) {
    const visit = sim.visits().find((v) => v.idVisit === id)!;
    assert.equal(visit.lastActionSeconds, nowSeconds);
    if (lastTimes.has(id)) assert.ok(lastTimes.get(id)! < nowSeconds);
  }
  assert.ok(appended.actions.every((a) => a.pageId > maxPageId));
  const late = sim.arrive({ at: now, lateVisits: 2, lateMinutes: 4 });
  assert.equal(late.visits.length, 2);
  for (const id of late.visits) {
    const visit = sim.visits().find((v) => v.idVisit === id)!;
    assert.ok(visit.lastActionSeconds <= nowSeconds - 240);
    assert.ok(visit.lastActionSeconds > nowSeconds - 240 - 700);
  }
  const fresh = sim.arrive({ at: now, newVisits: 3 });
  assert.equal(fresh.visits.length, 3);
  // A cursor read from just before `now` finds the moved and new visits.
  const read: Json[] = await api(sim, "Live.getLastVisitsDetails", {
    idSite: "1",
    filter_sort_order: "asc",
    filter_limit: "1000",
    minTimestamp: String(nowSeconds - 1),
  });
  assert.deepEqual(
    new Set(read.map((v) => Number(v.idVisit))),
    new Set([...appended.visits, ...fresh.visits]),
  );
  // The ground truth grew by what arrived, less what is skipped.
  const after = sim.groundTruth();
  const arrived = [...appended.actions, ...late.actions, ...fresh.actions];
  assert.equal(
    after.actions.length + after.skipped.length,
    before.actions.length + before.skipped.length + arrived.length,
  );
  assert.ok(
    sim.appendActions(25, { created: now.add({ seconds: 1 }) }).length >= 25,
  );
});

Deno.test("Matomo simulator: the same seed gives the same data; options are checked before listening", async () => {
  await using a = await start({ actions: 300, seed: 3 });
  await using b = await start({ actions: 300, seed: 3 });
  assert.deepEqual(a.groundTruth(), b.groundTruth());
  await assert.rejects(start({ timezone: "Mars/Olympus" }), ConfigError);
  await assert.rejects(start({ maxActionsPerVisit: 0 }), ConfigError);
  await assert.rejects(start({ tokenAuth: "" }), ConfigError);
});

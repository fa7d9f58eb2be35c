import assert from "node:assert/strict";
import type { ViewerAction } from "../../../src/record/viewer_action.ts";
import type {
  MatomoAction,
  MatomoVisit,
} from "../../../src/source/matomo/matomo_types.ts";
import { normalizeVisits } from "../../../src/source/matomo/normalize_visits.ts";
import {
  isMediapackageId,
  playerUrlEpisode,
  visitViewerActions,
} from "../../../src/source/matomo/visit_viewer_actions.ts";

const MP = "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11";
const MP2 = "0b9d4c2e-1a3f-4e5d-8c7b-6a5f4e3d2c1b";
const ZONE = "Europe/Berlin";
// 2024-07-01 10:00:00Z is 12:00 CEST: Matomo writes 12:00 read as UTC.
const WALL_NOON =
  Temporal.Instant.from("2024-07-01T12:00:00Z").epochMilliseconds /
  1000;
const TRUE_NOON = WALL_NOON - 7200;

let nextPageId = 1000;

function action(fields: Partial<MatomoAction>): MatomoAction {
  return {
    type: "event",
    pageId: nextPageId++,
    timestamp: WALL_NOON,
    dimensions: new Map(),
    ...fields,
  };
}

function visit(
  actions: MatomoAction[],
  fields: Partial<MatomoVisit> = {},
): MatomoVisit {
  return {
    idVisit: 4711,
    visitIp: "141.20.0.0",
    userId: "jdoe",
    firstActionTimestamp: TRUE_NOON,
    lastActionTimestamp: TRUE_NOON + 600,
    truncatedActionsCount: 0,
    actions,
    ...fields,
  };
}

const paella = (eventAction: string, fields: Partial<MatomoAction> = {}) =>
  action({
    eventCategory: "PaellaPlayer",
    eventAction,
    url: "https://tobira.example.edu/!v/abc",
    dimensions: new Map([[1, MP]]),
    ...fields,
  });

const options = { timeZone: ZONE, episodeDimension: 1 };

Deno.test("visitViewerActions() maps a Tobira visit's events per the record table", () => {
  const events = [
    paella("paella:play"),
    paella("paella:pause"),
    paella("paella:seek", { eventName: "754" }),
    paella("paella:seek", { eventName: "312.5" }),
    paella("paella:ended"),
    paella("paella:volumeChanged", { eventName: "0.5" }),
    paella("paella:playbackRateChanged", { eventName: "1.5" }),
  ];
  const { actions, skipped, truncated } = visitViewerActions(
    visit(events),
    options,
  );
  assert.deepEqual(
    actions.map((a) => [a.type, a.outpoint]),
    [
      ["PLAY", null],
      ["PAUSE", null],
      ["SEEK", 754],
      ["SEEK", 312.5],
      ["ENDED", null],
      ["VOLUMECHANGED", null],
      ["PLAYBACKRATECHANGED", null],
    ],
  );
  const expected: ViewerAction = {
    id: events[0]!.pageId,
    mediapackageId: MP,
    sessionId: "4711",
    userId: "jdoe",
    userIp: "141.20.0.0",
    userAgent: null,
    inpoint: null,
    outpoint: null,
    length: null,
    type: "PLAY",
    isPlaying: null,
    created: "2024-07-01T10:00:00+00:00",
    source: "matomo",
  };
  assert.deepEqual(actions[0], expected);
  assert.equal(truncated, null);
  assert.ok(Object.values(skipped).every((n) => n === 0));
});

Deno.test("visitViewerActions() finds the episode in the dimension, then a player URL's id=, then a Paella 7 event name", () => {
  const { actions, skipped } = visitViewerActions(
    visit([
      // Stock Paella 8: a page view of the watch page.
      action({
        type: "action",
        url: `https://video.example.edu/paella8/ui/watch.html?id=${MP}&time=5s`,
      }),
      // The dimension wins over the URL.
      action({
        type: "action",
        url: `https://video.example.edu/paella8/ui/watch.html?id=${MP}`,
        dimensions: new Map([[1, MP2]]),
      }),
      // Paella 7 embedded in an LMS page: the LMS id= is not an episode.
      action({
        type: "action",
        url: "https://lms.example.edu/mod/opencast/view.php?id=4711",
      }),
      action({
        eventCategory: "PaellaPlayer",
        eventAction: "paella:play",
        eventName: MP2,
        url: "https://lms.example.edu/mod/opencast/view.php?id=4711",
      }),
      // Paella 7 on its watch page: the URL names it, the name too.
      action({
        eventCategory: "PaellaPlayer",
        eventAction: "paella:seek",
        eventName: MP,
        url: `https://video.example.edu/paella7/ui/watch.html?id=${MP}`,
      }),
      // A Tobira event without the dimension names nothing.
      action({
        eventCategory: "PaellaPlayer",
        eventAction: "paella:pause",
        url: "https://tobira.example.edu/!v/abc",
      }),
    ]),
    options,
  );
  assert.deepEqual(
    actions.map((a) => [a.type, a.mediapackageId, a.outpoint]),
    [
      ["VIEW", MP, null],
      ["VIEW", MP2, null],
      ["PLAY", MP2, null],
      ["SEEK", MP, null],
    ],
  );
  assert.equal(skipped["page-without-episode"], 1);
  assert.equal(skipped["event-without-episode"], 1);
});

Deno.test("visitViewerActions() skips timeupdates, other categories, other pages and other types, counted by reason", () => {
  const { actions, skipped } = visitViewerActions(
    visit([
      paella("paella:timeupdate"),
      paella("paella:timeupdate"),
      action({ eventCategory: "Video", eventAction: "play", eventName: MP }),
      action({ type: "action", url: "https://video.example.edu/" }),
      action({ type: "outlink", url: "https://www.example.org/" }),
      action({ type: "download", url: "https://cdn.example.edu/slides.pdf" }),
      paella("paella:play"),
    ]),
    options,
  );
  assert.equal(actions.length, 1);
  assert.deepEqual(skipped, {
    "timeupdate": 2,
    "other-category": 1,
    "page-without-episode": 1,
    "event-without-episode": 0,
    "other-type": 2,
  });
});

Deno.test("visitViewerActions() makes anonymous and absent users null and reports a truncated visit", () => {
  for (const userId of [null, "anonymous"]) {
    const { actions, truncated } = visitViewerActions(
      visit([paella("paella:play")], { userId, truncatedActionsCount: 42 }),
      options,
    );
    assert.equal(actions[0]!.userId, null);
    assert.deepEqual(truncated, { idVisit: 4711, count: 42 });
  }
  // Without an episode dimension, Tobira's events name nothing.
  const none = visitViewerActions(visit([paella("paella:play")]), {
    timeZone: ZONE,
    episodeDimension: null,
  });
  assert.equal(none.actions.length, 0);
  assert.equal(none.skipped["event-without-episode"], 1);
});

Deno.test("visitViewerActions() converts each action's wall-clock timestamp in the site's zone, across the fall-back", () => {
  const at = (iso: string) =>
    Temporal.Instant.from(iso).epochMilliseconds / 1000;
  // 02:50 CEST (00:50Z), then 02:10 CET (01:10Z): Matomo writes 02:50 and 02:10.
  const { actions } = visitViewerActions(
    visit([
      paella("paella:play", { timestamp: at("2024-10-27T02:50:00Z") }),
      paella("paella:pause", { timestamp: at("2024-10-27T02:10:00Z") }),
    ], {
      firstActionTimestamp: at("2024-10-27T00:50:00Z"),
      lastActionTimestamp: at("2024-10-27T01:10:00Z"),
    }),
    options,
  );
  assert.deepEqual(actions.map((a) => a.created), [
    "2024-10-27T00:50:00+00:00",
    "2024-10-27T01:10:00+00:00",
  ]);
});

Deno.test("normalizeVisits() reads ids written as strings or numbers and the set dimensionN keys", () => {
  const [parsed] = normalizeVisits([{
    idVisit: "12",
    visitIp: "141.20.0.0",
    userId: null,
    firstActionTimestamp: 100,
    lastActionTimestamp: "200",
    truncatedActionsCount: "3",
    actionDetails: [{
      type: "event",
      pageId: 77,
      timestamp: 150,
      url: "https://x",
      eventCategory: "PaellaPlayer",
      eventAction: "paella:play",
      dimension1: MP,
      dimension2: null,
      dimension3: "",
    }],
  }]);
  assert.deepEqual(parsed, {
    idVisit: 12,
    visitIp: "141.20.0.0",
    userId: null,
    firstActionTimestamp: 100,
    lastActionTimestamp: 200,
    truncatedActionsCount: 3,
    actions: [{
      type: "event",
      pageId: 77,
      timestamp: 150,
      url: "https://x",
      eventCategory: "PaellaPlayer",
      eventAction: "paella:play",
      eventName: undefined,
      dimensions: new Map([[1, MP]]),
    }],
  });
});

Deno.test("playerUrlEpisode() takes id= from player pages and mediapackage ids, and isMediapackageId() wants a UUID", () => {
  assert.equal(
    playerUrlEpisode(`https://v.example.edu/paella/ui/watch.html?id=${MP}`),
    MP,
  );
  assert.equal(
    playerUrlEpisode(
      "https://v.example.edu/engage/theodul/ui/core.html?id=custom-id-1",
    ),
    "custom-id-1",
  );
  assert.equal(
    playerUrlEpisode(`https://lms.example.edu/view.php?id=${MP}`),
    MP,
  );
  assert.equal(
    playerUrlEpisode("https://lms.example.edu/view.php?id=4711"),
    null,
  );
  assert.equal(playerUrlEpisode("not a url"), null);
  assert.ok(isMediapackageId(MP.toUpperCase()));
  assert.ok(!isMediapackageId("754"));
  assert.ok(!isMediapackageId(`${MP}x`));
});

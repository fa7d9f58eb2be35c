import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import {
  type SimAction,
  startSimulator,
} from "../../src/simulate/start_simulator.ts";
import { getJson, type Json, simulator } from "../support/simulator.ts";

// 14:05:00 in New York (EDT, -04:00).
const SPAN_END = Temporal.Instant.from("2016-10-21T18:05:00Z");

async function status(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  await response.body?.cancel();
  return response.status;
}

/** R2 undone: a list from a key that may be missing, single or an array. */
function list(value: Json): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function epochSecondsOf(iso: string): number {
  return Temporal.Instant.from(iso).epochMilliseconds / 1000;
}

Deno.test("startSimulator() answers one action as a bare object with string counters", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const body = await getJson(`${sim.url}/usertracking/actions.json?limit=1`);
  const first = sim.actions()[0]!;
  assert.deepEqual(Object.keys(body), ["actions"]);
  assert.equal(body.actions.total, "1000");
  assert.equal(body.actions.limit, "1");
  assert.equal(body.actions.offset, "0");
  const action = body.actions.action;
  assert.ok(!Array.isArray(action));
  assert.equal(action.id, first.id);
  assert.equal(action.mediapackageId, first.mediapackageId);
  assert.equal(action.type, first.type);
  assert.equal(action.isPlaying, first.isPlaying);
  assert.equal(action.length, action.outpoint - action.inpoint);
  assert.equal(action.created, first.createdText);
  assert.match(action.created, /^2016-10-21T\d\d:\d\d:\d\d-04:00$/);
  assert.equal(typeof action.sessionId, "object");
});

Deno.test("startSimulator() omits the action key when the window is empty", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const response = await fetch(
    `${sim.url}/usertracking/actions.json?start=20150101000000&end=20150102000000`,
  );
  assert.equal(
    await response.text(),
    '{"actions":{"total":"0","offset":"0","limit":"10"}}',
  );
});

Deno.test("startSimulator() serves the quirky field shapes a client must handle", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const body = await getJson(`${sim.url}/usertracking/actions.json?limit=1000`);
  const actions = list(body.actions.action);
  assert.equal(actions.length, 1000);
  const sessions = actions.map((a) => a.sessionId);
  assert.ok(sessions.some((s) => typeof s.userId === "number"));
  assert.ok(sessions.some((s) => s.userId === "anonymous"));
  assert.ok(sessions.some((s) => s.userIp === "-omitted-"));
  assert.ok(sessions.some((s) => s.userIp.split(", ").length === 2));
  assert.ok(sessions.some((s) => s.userIp.split(", ").length === 3));
  assert.ok(sessions.some((s) => !("userAgent" in s)));
  assert.ok(actions.some((a) => a.isPlaying === 2));
  assert.ok(actions.some((a) => a.isPlaying === 0));
  assert.ok(actions.some((a) => a.type === "HEARTBEAT"));
  assert.ok(actions.some((a) => a.type.startsWith("RESIZE-TO-")));
  const types = new Map<string, number>();
  for (const a of actions) types.set(a.type, (types.get(a.type) ?? 0) + 1);
  const [mostCommon] = [...types].sort((a, b) => b[1] - a[1])[0]!;
  assert.equal(mostCommon, "HEARTBEAT");
  // Whole seconds, many actions per second, every session several actions.
  assert.ok(actions.every((a) => /:\d\d-04:00$/.test(a.created)));
  assert.ok(new Set(actions.map((a) => a.created)).size < 200);
  assert.ok(new Set(sessions.map((s) => s.sessionId)).size < 400);
  const missing = new Set(sim.missingEpisodeIds());
  assert.ok(actions.some((a) => missing.has(a.mediapackageId)));
});

Deno.test("startSimulator() reads start and end as inclusive wall-clock times in the server zone", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  // 14:04:00..14:04:30 EDT is 18:04:00Z..18:04:30Z.
  const from = epochSecondsOf("2016-10-21T18:04:00Z");
  const to = epochSecondsOf("2016-10-21T18:04:30Z");
  const expected = sim.actions().filter((a) =>
    a.createdEpochSeconds >= from && a.createdEpochSeconds <= to
  );
  assert.ok(expected.some((a) => a.createdEpochSeconds === from));
  assert.ok(expected.some((a) => a.createdEpochSeconds === to));
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?start=20161021140400&end=20161021140430&limit=1000`,
  );
  const got = list(body.actions.action);
  assert.equal(body.actions.total, String(expected.length));
  assert.deepEqual(got.map((a) => a.id), expected.map((a) => a.id));
  // Read as UTC, the same digits would select nothing of this data.
  const utc = await getJson(
    `${sim.url}/usertracking/actions.json?start=20161021180400&end=20161021180430`,
  );
  assert.equal(utc.actions.total, "0");
});

Deno.test("startSimulator() honours another server zone for offsets and the window", async () => {
  await using sim = await simulator({
    spanEnd: SPAN_END,
    timezone: "Asia/Tokyo",
  });
  // 18:04:10Z is 03:04:10 on the 22nd in Tokyo (+09:00).
  const second = epochSecondsOf("2016-10-21T18:04:10Z");
  const expected = sim.actions().filter((a) =>
    a.createdEpochSeconds === second
  );
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?start=20161022030410&end=20161022030410&limit=100`,
  );
  const got = list(body.actions.action);
  assert.ok(expected.length > 0);
  assert.deepEqual(got.map((a) => a.id), expected.map((a) => a.id));
  assert.ok(got.every((a) => a.created === "2016-10-22T03:04:10+09:00"));
});

Deno.test("startSimulator() pages through every action exactly once in (created, id) order", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const ids: number[] = [];
  const createds: string[] = [];
  for (let offset = 0;; offset += 37) {
    const body = await getJson(
      `${sim.url}/usertracking/actions.json?start=20161021140300&end=20161021140500&limit=37&offset=${offset}`,
    );
    assert.equal(body.actions.total, "1000");
    const page = list(body.actions.action);
    if (page.length === 0) break;
    ids.push(...page.map((a) => a.id));
    createds.push(...page.map((a) => a.created));
  }
  assert.deepEqual(ids, sim.actions().map((a) => a.id));
  assert.equal(new Set(ids).size, 1000);
  const sorted = createds.map(epochSecondsOf);
  assert.ok(sorted.every((value, i) => i === 0 || sorted[i - 1]! <= value));
  // Late rows: somewhere a newer id sits behind an older one.
  assert.ok(ids.some((id, i) => i > 0 && id < ids[i - 1]!));
});

Deno.test("startSimulator() defaults limit to 10 and rejects bad limit and offset like JAX-RS", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const base = `${sim.url}/usertracking/actions.json`;
  const body = await getJson(`${base}?limit=0`);
  assert.equal(body.actions.limit, "10");
  assert.equal(list(body.actions.action).length, 10);
  assert.equal(await status(`${base}?limit=-1`), 400);
  assert.equal(await status(`${base}?offset=-1`), 400);
  assert.equal(await status(`${base}?limit=ten`), 404);
  assert.equal(await status(`${base}?offset=1.5`), 404);
  assert.equal(await status(`${base}?start=2016-10-21`), 400);
  assert.equal(await status(`${sim.url}/nowhere.json`), 404);
});

Deno.test("startSimulator() generates the same data for the same seed and other data for another", async () => {
  await using a = await startSimulator({ port: 0, spanEnd: SPAN_END, seed: 7 });
  await using b = await startSimulator({ port: 0, spanEnd: SPAN_END, seed: 7 });
  await using c = await startSimulator({ port: 0, spanEnd: SPAN_END, seed: 8 });
  const path = "/usertracking/actions.json?limit=1000";
  const [textA, textB, textC] = await Promise.all(
    [a, b, c].map(async (sim) => await (await fetch(sim.url + path)).text()),
  );
  assert.equal(textA, textB);
  assert.notEqual(textA, textC);
  const search = "/search/episode.json?limit=0&includeDeleted=true";
  assert.equal(
    await (await fetch(a.url + search)).text(),
    await (await fetch(b.url + search)).text(),
  );
  assert.deepEqual(a.workflows(), b.workflows());
});

Deno.test("startSimulator() spreads the actions over the span and keeps whole seconds", async () => {
  await using sim = await simulator({
    spanEnd: Temporal.Instant.from("2016-10-21T18:05:00.750Z"),
    spanSeconds: 30,
    actions: 500,
  });
  const seconds = sim.actions().map((a) => a.createdEpochSeconds);
  const end = epochSecondsOf("2016-10-21T18:05:00Z");
  assert.equal(seconds.length, 500);
  assert.ok(seconds.every((s) => s >= end - 30 && s <= end));
  assert.ok(
    sim.actions().every((a) => a.created.epochMilliseconds % 1000 === 0),
  );
});

Deno.test("Simulator.appendActions() adds newer actions with higher ids that the window finds", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const before = sim.actions();
  const maxId = Math.max(...before.map((a) => a.id));
  const episode = sim.episodes()[3]!;
  const added: SimAction[] = sim.appendActions(5, {
    created: Temporal.Instant.from("2016-10-21T18:05:10Z"),
    mediapackageIds: [episode.id],
  });
  assert.equal(added.length, 5);
  assert.ok(added[0]!.id > maxId);
  assert.ok(added.every((a, i) => i === 0 || a.id > added[i - 1]!.id));
  assert.ok(added.every((a) => a.mediapackageId === episode.id));
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?start=20161021140501&end=20161021140510&limit=100`,
  );
  assert.deepEqual(
    list(body.actions.action).map((a) => a.id),
    added.map((a) => a.id),
  );
  // The admin endpoint does the same for subprocesses.
  const response = await fetch(
    `${sim.url}/_sim/actions?count=3&created=2016-10-21T18:05:20Z`,
    { method: "POST" },
  );
  const posted = await response.json();
  assert.equal(posted.length, 3);
  assert.ok(posted[0].id > added[4]!.id);
  assert.equal(posted[0].created, "2016-10-21T18:05:20Z");
  assert.equal(sim.actions().length, 1008);
});

Deno.test("Simulator.failNext() fails only the next matching requests", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  sim.failNext("/search", 2);
  sim.failNext("/usertracking", 1, 500);
  const search = `${sim.url}/search/episode.json?limit=1`;
  const actions = `${sim.url}/usertracking/actions.json`;
  assert.equal(await status(search), 503);
  assert.equal(await status(actions), 500);
  assert.equal(await status(actions), 200);
  assert.equal(await status(search), 503);
  assert.equal(await status(search), 200);
  const admin = await fetch(
    `${sim.url}/_sim/fail?path=/workflow&count=1&status=502`,
    { method: "POST" },
  );
  assert.equal(admin.status, 204);
  assert.equal(await status(`${sim.url}/workflow/instances.json`), 502);
  assert.equal(await status(`${sim.url}/workflow/instances.json`), 200);
});

Deno.test("startSimulator() fails a seed-determined fraction of requests with failRate", async () => {
  async function statuses(): Promise<number[]> {
    await using sim = await simulator({
      spanEnd: SPAN_END,
      failRate: 0.3,
      seed: 3,
    });
    const result: number[] = [];
    for (let i = 0; i < 40; i++) {
      result.push(await status(`${sim.url}/usertracking/actions.json`));
    }
    return result;
  }
  const first = await statuses();
  const second = await statuses();
  assert.deepEqual(first, second);
  const failed = first.filter((s) => s === 503).length;
  assert.ok(failed > 0 && failed < 40, `${failed} of 40 failed`);
  assert.ok(first.every((s) => s === 503 || s === 200));
});

Deno.test("startSimulator() serves episodes: a bare result, no result for unknown ids, 503 for failing ones", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const episode = sim.episodes().find((e) =>
    e.series && e.start && e.duration && !e.deleted &&
    e.attachments.some((a) => a.type === "presentation/segment+preview")
  )!;
  const body = await getJson(
    `${sim.url}/search/episode.json?id=${episode.id}&limit=1`,
  );
  const results = body["search-results"];
  assert.equal(results.total, "1");
  assert.equal(results.limit, "1");
  assert.equal(typeof results.query, "string");
  const result = results.result;
  assert.ok(!Array.isArray(result));
  assert.equal(result.id, episode.id);
  const mp = result.mediapackage;
  assert.equal(mp.id, episode.id);
  assert.equal(mp.duration, String(episode.duration));
  assert.equal(mp.start, episode.start!.toString());
  assert.match(mp.start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(mp.series, Number(episode.series));
  assert.match(String(mp.series), /^\d{11}$/);
  assert.match(result.dcCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00$/);
  assert.equal(result.keywords, "");
  const attachments = list(mp.attachments.attachment);
  const slides = attachments.filter((a) =>
    a.type === "presentation/segment+preview"
  );
  assert.ok(slides.length >= 2);
  assert.ok(slides.every((a) => /;time=T\d\d:\d\d:\d\d:\d+F1000$/.test(a.ref)));

  const missing = sim.missingEpisodeIds()[0]!;
  const none = await getJson(
    `${sim.url}/search/episode.json?id=${missing}&limit=1`,
  );
  assert.equal(none["search-results"].total, "0");
  assert.ok(!("result" in none["search-results"]));

  sim.failEpisode(episode.id);
  assert.equal(
    await status(`${sim.url}/search/episode.json?id=${episode.id}`),
    503,
  );
  assert.equal(
    await status(`${sim.url}/search/episode.json?id=${missing}`),
    200,
  );
});

Deno.test("startSimulator() generates episodes without start, duration, series or attachments", async () => {
  await using sim = await simulator({ spanEnd: SPAN_END, episodes: 200 });
  const episodes = sim.episodes();
  assert.ok(episodes.some((e) => e.start === undefined));
  assert.ok(episodes.some((e) => e.duration === undefined));
  assert.ok(episodes.some((e) => e.series === undefined));
  assert.ok(
    episodes.some((e) => e.series !== undefined && e.seriesTitle === undefined),
  );
  assert.ok(episodes.some((e) => e.attachments.length === 0));
  assert.ok(episodes.some((e) => e.attachments.length === 1));
  const noStart = episodes.find((e) => e.start === undefined && !e.deleted)!;
  const body = await getJson(
    `${sim.url}/search/episode.json?id=${noStart.id}&limit=1`,
  );
  const result = body["search-results"].result;
  assert.ok(!("start" in result.mediapackage));
  assert.equal(typeof result.dcCreated, "string");
});

Deno.test("startSimulator() hides deleted episodes unless includeDeleted is true", async () => {
  await using sim = await simulator({ spanEnd: SPAN_END, episodes: 200 });
  const deleted = sim.episodes().find((e) => e.deleted)!;
  assert.ok(deleted);
  const hidden = await getJson(
    `${sim.url}/search/episode.json?id=${deleted.id}`,
  );
  assert.equal(hidden["search-results"].total, "0");
  const shown = await getJson(
    `${sim.url}/search/episode.json?id=${deleted.id}&includeDeleted=TRUE`,
  );
  assert.equal(shown["search-results"].result.id, deleted.id);
  assert.equal(typeof shown["search-results"].result.deleted, "string");
});

Deno.test("startSimulator() sorts and filters searches by creation date", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const visible = sim.episodes().filter((e) => !e.deleted);
  const ascending = [...visible].sort((a, b) =>
    Temporal.Instant.compare(a.created, b.created)
  );
  const all = await getJson(
    `${sim.url}/search/episode.json?sort=DATE_CREATED&limit=0`,
  );
  assert.equal(all["search-results"].total, String(visible.length));
  assert.deepEqual(
    list(all["search-results"].result).map((r) => r.id),
    ascending.map((e) => e.id),
  );
  const from = ascending[10]!.created;
  const to = ascending[20]!.created;
  const window = await getJson(
    `${sim.url}/search/episode.json?sort=DATE_CREATED&limit=5&offset=2&createdFrom=${from}&createdTo=${to}`,
  );
  const expected = ascending.filter((e) =>
    Temporal.Instant.compare(e.created, from) >= 0 &&
    Temporal.Instant.compare(e.created, to) <= 0
  );
  assert.equal(window["search-results"].total, String(expected.length));
  assert.equal(window["search-results"].limit, "5");
  assert.equal(window["search-results"].offset, "2");
  assert.deepEqual(
    list(window["search-results"].result).map((r) => r.id),
    expected.slice(2, 7).map((e) => e.id),
  );
  const newestFirst = await getJson(`${sim.url}/search/episode.json?limit=1`);
  assert.equal(newestFirst["search-results"].result.id, ascending.at(-1)!.id);
});

Deno.test("startSimulator() serves workflows by mediapackage, newest first, with operation times", async () => {
  await using sim = await simulator({ spanEnd: SPAN_END, episodes: 100 });
  const workflows = sim.workflows();
  const counts = new Map<string, number>();
  for (const w of workflows) {
    counts.set(w.mediapackageId, (counts.get(w.mediapackageId) ?? 0) + 1);
  }
  const multi = [...counts].find(([, n]) => n > 1)![0];
  const oneWorkflow = workflows.find((w) =>
    counts.get(w.mediapackageId) === 1 && w.state === "SUCCEEDED" &&
    w.template === "DCE-archive-publish-external"
  )!;
  const none = sim.episodes().find((e) => !counts.has(e.id))!;

  const many = await getJson(`${sim.url}/workflow/instances.json?mp=${multi}`);
  const expected = workflows.filter((w) => w.mediapackageId === multi)
    .reverse();
  assert.equal(many.workflows.totalCount, String(expected.length));
  assert.equal(many.workflows.count, "20");
  assert.deepEqual(
    list(many.workflows.workflow).map((w) => w.id),
    expected.map((w) => String(w.id)),
  );

  const one = await getJson(
    `${sim.url}/workflow/instances.json?mp=${oneWorkflow.mediapackageId}&workflowdefinition=DCE-archive-publish-external&state=succeeded`,
  );
  assert.ok(!Array.isArray(one.workflows.workflow));
  assert.equal(one.workflows.workflow.id, String(oneWorkflow.id));
  assert.equal(one.workflows.workflow.state, "SUCCEEDED");

  const empty = await getJson(
    `${sim.url}/workflow/instances.json?mp=${none.id}`,
  );
  assert.equal(empty.workflows.totalCount, "0");
  assert.ok(!("workflow" in empty.workflows));

  const live = sim.episodes().find((e) => e.live)!;
  const liveBody = await getJson(
    `${sim.url}/workflow/instances.json?mp=${live.id}&state=SUCCEEDED&workflowdefinition=DCE-archive-publish-external`,
  );
  const newest = list(liveBody.workflows.workflow)[0];
  const capture = list(newest.operations.operation).find((op) =>
    op.id === "capture"
  );
  assert.equal(typeof capture.started, "number");
  assert.ok(capture.completed > capture.started);
  assert.equal(capture["fail-on-error"], "true");
  const retract = list(newest.operations.operation).find((op) =>
    op.id === "retract-element"
  );
  assert.equal(typeof retract.completed, "number");
});

Deno.test("startSimulator() pages workflows by startPage and count", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const ids: string[] = [];
  for (let page = 0;; page++) {
    const body = await getJson(
      `${sim.url}/workflow/instances.json?count=7&startPage=${page}`,
    );
    const items = list(body.workflows.workflow);
    if (items.length === 0) break;
    ids.push(...items.map((w) => w.id));
  }
  assert.deepEqual(ids, sim.workflows().map((w) => String(w.id)).reverse());
  assert.equal(await status(`${sim.url}/workflow/instances.json?count=x`), 404);
  const failed = await getJson(
    `${sim.url}/workflow/instances.json?state=-SUCCEEDED&count=100`,
  );
  assert.ok(
    list(failed.workflows.workflow).every((w) => w.state !== "SUCCEEDED"),
  );
});

Deno.test("Simulator.stats() counts requests per endpoint and episode until reset", async () => {
  await using sim = await startSimulator({ port: 0, spanEnd: SPAN_END });
  const id = sim.episodes()[0]!.id;
  await status(`${sim.url}/usertracking/actions.json`);
  await status(`${sim.url}/usertracking/actions.json?offset=10`);
  await status(`${sim.url}/search/episode.json?id=${id}`);
  await status(`${sim.url}/search/episode.json?id=${id}`);
  await status(`${sim.url}/usertracking/actions.json?day=20161021`);
  await status(`${sim.url}/usertracking/action/${sim.actions()[0]!.id}.json`);
  await status(`${sim.url}/workflow/instances.json?mp=${id}`);
  await status(`${sim.url}/info/components.json`);
  assert.deepEqual(sim.stats(), {
    requests: 8,
    actionRequests: 3,
    dayRequests: 1,
    actionByIdRequests: 1,
    episodeRequests: 2,
    workflowRequests: 1,
    unauthorized: 0,
    byEpisodeId: { [id]: 2 },
  });
  const viaAdmin = await (await fetch(`${sim.url}/_sim/stats`)).json();
  assert.deepEqual(viaAdmin, sim.stats());
  assert.equal(
    await status(`${sim.url}/_sim/reset-stats`, { method: "POST" }),
    204,
  );
  assert.equal(sim.stats().requests, 0);
  assert.deepEqual(sim.stats().byEpisodeId, {});
});

Deno.test("startSimulator() rejects bad settings before listening", async () => {
  await assert.rejects(startSimulator({ failRate: 2 }), ConfigError);
  await assert.rejects(
    startSimulator({ timezone: "Mars/Olympus" }),
    ConfigError,
  );
  await assert.rejects(startSimulator({ user: "a" }), ConfigError);
  await assert.rejects(startSimulator({ actions: -1 }), ConfigError);
  await assert.rejects(startSimulator({ port: 70000 }), ConfigError);
});

Deno.test("startSimulator() generates 100000 actions and serves pages of 1000", async () => {
  await using sim = await simulator({
    spanEnd: SPAN_END,
    actions: 100_000,
    spanSeconds: 3600,
  });
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?start=20161021130500&end=20161021140500&limit=1000&offset=99500`,
  );
  assert.equal(body.actions.total, "100000");
  assert.equal(list(body.actions.action).length, 500);
});

Deno.test("setLatency() delays every answer from then on, and refuses a negative delay", async () => {
  await using sim = await simulator({ actions: 5, latencyMs: 0 });
  const timed = async () => {
    const started = performance.now();
    assert.equal(await status(`${sim.url}/info/components.json`), 200);
    return performance.now() - started;
  };
  sim.setLatency(250);
  // A lower bound only: the delay is added, whatever else the machine does.
  assert.ok(await timed() >= 250);
  assert.throws(() => sim.setLatency(-1), ConfigError);
});

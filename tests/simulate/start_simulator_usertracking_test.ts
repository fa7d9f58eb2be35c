/**
 * The simulator's usertracking as upstream Opencast serves it (the `day`
 * window with the clock's seconds, filter precedence, row order, actions by
 * id, a missing plugin) and the DCE window read like Java across daylight
 * saving (opencast-api.md §3).
 */
import assert from "node:assert/strict";
import type { SimulatorOptions } from "../../src/simulate/start_simulator.ts";
import { simulator } from "../support/simulator.ts";

// 14:05:00 in New York (EDT, -04:00).
const SPAN_END = Temporal.Instant.from("2016-10-21T18:05:00Z");

// deno-lint-ignore no-explicit-any
type Json = any;

async function get(url: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(url);
  const text = await response.text();
  return { status: response.status, body: text === "" ? text : tryJson(text) };
}

function tryJson(text: string): Json {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function getJson(url: string): Promise<Json> {
  const { status, body } = await get(url);
  assert.equal(status, 200, `${url} answered ${status}: ${body}`);
  return body;
}

function list(value: Json): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function start(options: SimulatorOptions = {}) {
  return simulator({ spanEnd: SPAN_END, ...options });
}

Deno.test("day keeps the pinned seconds: the first SS.mmm of the day and the last 60 − SS.mmm are outside", async () => {
  await using sim = await start({
    flavor: "stock",
    actions: 0,
    daySeconds: 30.5,
  });
  const at = (iso: string) =>
    sim.appendActions(1, { created: Temporal.Instant.from(iso) })[0]!.id;
  at("2016-10-20T23:59:59-04:00"); // the day before
  const early = at("2016-10-21T00:00:10-04:00");
  const first = at("2016-10-21T00:00:31-04:00");
  const noon = at("2016-10-21T12:00:00-04:00");
  const last = at("2016-10-21T23:59:30-04:00");
  const late = at("2016-10-21T23:59:50-04:00");
  at("2016-10-22T00:00:40-04:00"); // the day after
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?day=20161021&limit=100`,
  );
  const ids = list(body.actions.action).map((a) => a.id);
  assert.deepEqual(ids, [first, noon, last]);
  assert.equal(body.actions.total, 3);
  assert.ok(!ids.includes(early) && !ids.includes(late));
  assert.equal(sim.stats().dayRequests, 1);
});

Deno.test("day without pinned seconds uses the clock's seconds of the request", async () => {
  await using sim = await start({ flavor: "stock", actions: 0 });
  // An action at every second of the first minute of the day: the window
  // starts at the clock's SS.mmm, so the count tells the clock's seconds.
  for (let second = 0; second < 60; second++) {
    sim.appendActions(1, {
      created: Temporal.Instant.from(
        `2016-10-21T00:00:${String(second).padStart(2, "0")}-04:00`,
      ),
    });
  }
  const before = Temporal.Now.zonedDateTimeISO("America/New_York");
  const body = await getJson(
    `${sim.url}/usertracking/actions.json?day=20161021&limit=100`,
  );
  const after = Temporal.Now.zonedDateTimeISO("America/New_York");
  const firstSecond = 60 - body.actions.total;
  // [ceil(SS.mmm), 59] are in: SS.mmm lies in (firstSecond - 1, firstSecond].
  const seconds = (t: Temporal.ZonedDateTime) =>
    t.second + t.millisecond / 1000;
  const lo = seconds(before);
  const hi = seconds(after);
  if (lo <= hi) {
    assert.ok(
      firstSecond >= Math.ceil(lo) && firstSecond <= Math.ceil(hi),
      `${firstSecond} not in [${lo}, ${hi}]`,
    );
  }
});

Deno.test("day reads the date like a lenient Java calendar and answers 500 for what Java cannot parse", async () => {
  await using sim = await start({ flavor: "stock", actions: 0, daySeconds: 0 });
  const nov1 = sim.appendActions(1, {
    created: Temporal.Instant.from("2016-11-01T12:00:00-04:00"),
  })[0]!.id;
  const jan1 = sim.appendActions(1, {
    created: Temporal.Instant.from("2017-01-01T12:00:00-05:00"),
  })[0]!.id;
  const base = `${sim.url}/usertracking/actions.json?limit=10&day=`;
  // October 32nd is November 1st; month 13 of 2016 is January 2017.
  assert.equal((await getJson(`${base}20161032`)).actions.action.id, nov1);
  assert.equal((await getJson(`${base}20161301`)).actions.action.id, jan1);
  // Characters after the eighth are ignored.
  assert.equal((await getJson(`${base}20161101xyz`)).actions.action.id, nov1);
  assert.equal((await get(`${base}2016110`)).status, 500);
  assert.equal((await get(`${base}2016ab01`)).status, 500);
});

Deno.test("day on daylight-saving days: a 25-hour and a 23-hour window", async () => {
  await using sim = await start({
    flavor: "oc12",
    actions: 0,
    daySeconds: 0,
    timezone: "America/New_York",
  });
  const add = (iso: string) =>
    sim.appendActions(1, { created: Temporal.Instant.from(iso) })[0]!;
  const fallBack = [
    add("2017-11-05T00:00:00-04:00"),
    add("2017-11-05T01:30:00-04:00"), // first 01:30
    add("2017-11-05T01:30:00-05:00"), // second 01:30
    add("2017-11-05T23:59:00-05:00"),
  ];
  add("2017-11-05T23:59:01-05:00");
  const springForward = [
    add("2017-03-12T00:00:00-05:00"),
    add("2017-03-12T03:30:00-04:00"),
    add("2017-03-12T23:59:00-04:00"),
  ];
  add("2017-03-11T23:59:59-05:00");
  const november = await getJson(
    `${sim.url}/usertracking/actions.json?day=20171105&limit=100`,
  );
  assert.deepEqual(
    list(november.actions.action).map((a) => a.id),
    fallBack.map((a) => a.id),
  );
  // Each printed with the offset in force at its instant.
  assert.deepEqual(
    list(november.actions.action).map((a) => a.created),
    [
      "2017-11-05T00:00:00-04:00",
      "2017-11-05T01:30:00-04:00",
      "2017-11-05T01:30:00-05:00",
      "2017-11-05T23:59:00-05:00",
    ],
  );
  const march = await getJson(
    `${sim.url}/usertracking/actions.json?day=20170312&limit=100`,
  );
  assert.deepEqual(
    list(march.actions.action).map((a) => a.id),
    springForward.map((a) => a.id),
  );
});

Deno.test("actions.json filter precedence upstream: id+type, type+day, type, day, all", async () => {
  await using sim = await start({ flavor: "stock", daySeconds: 0 });
  const actions = sim.actions();
  const byId = [...actions].sort((a, b) => a.id - b.id);
  const base = `${sim.url}/usertracking/actions.json?limit=100000`;
  const ids = async (query: string) =>
    list((await getJson(`${base}&${query}`)).actions.action).map((a) => a.id);
  const mp = actions[0]!.mediapackageId;
  const withType = (type: string) => byId.filter((a) => a.type === type);
  // id + type (day ignored)
  assert.deepEqual(
    await ids(`id=${mp}&type=HEARTBEAT&day=20991231`),
    withType("HEARTBEAT").filter((a) => a.mediapackageId === mp).map((a) =>
      a.id
    ),
  );
  // type + day
  assert.deepEqual(
    await ids(`type=PLAY&day=20161021`),
    withType("PLAY").map((a) => a.id),
  );
  assert.deepEqual(await ids(`type=PLAY&day=20161020`), []);
  // type alone; with an id, only that mediapackage's
  assert.deepEqual(
    await ids(`type=PAUSE`),
    withType("PAUSE").map((a) => a.id),
  );
  assert.deepEqual(await ids(`type=PAUSE&id=nope`), []);
  // day alone, then everything (an id without type is ignored)
  assert.equal((await ids(`day=20161021`)).length, actions.length);
  assert.deepEqual(await ids(`id=${mp}`), byId.map((a) => a.id));
  assert.ok(withType("PLAY").length > 0 && withType("PAUSE").length > 0);
});

Deno.test("upstream flavors ignore start and end and answer the whole table in id order", async () => {
  for (const flavor of ["stock", "oc12", "oc16"] as const) {
    await using sim = await start({ flavor });
    const body = await getJson(
      `${sim.url}/usertracking/actions.json?start=20150101000000&end=20150102000000&limit=5`,
    );
    assert.equal(body.actions.total, 1000, flavor);
    assert.equal(body.actions.limit, 5, flavor);
    assert.equal(body.actions.offset, 0, flavor);
    const ids = [...sim.actions()].map((a) => a.id).sort((a, b) => a - b);
    assert.deepEqual(
      body.actions.action.map((a: Json) => a.id),
      ids.slice(0, 5),
      flavor,
    );
    assert.equal(typeof body.actions.action[0].isPlaying, "boolean", flavor);
  }
});

Deno.test("order: id gives primary-key order, created gives (created, id); late rows tell them apart", async () => {
  async function ids(options: SimulatorOptions): Promise<number[]> {
    await using sim = await start(options);
    const body = await getJson(
      `${sim.url}/usertracking/actions.json?limit=1000`,
    );
    return list(body.actions.action).map((a) => a.id);
  }
  const byId = await ids({ flavor: "stock" });
  const byCreated = await ids({ flavor: "stock", order: "created" });
  const dce = await ids({});
  const dceById = await ids({ order: "id" });
  assert.deepEqual(byId, [...byId].sort((a, b) => a - b));
  assert.notDeepEqual(byCreated, byId);
  assert.deepEqual([...byCreated].sort((a, b) => a - b), byId);
  assert.deepEqual(dce, byCreated);
  assert.deepEqual(dceById, byId);
});

Deno.test("limit and offset upstream: 10 by default, a row offset, 400 when negative, 404 when not a number", async () => {
  await using sim = await start({ flavor: "oc16" });
  const base = `${sim.url}/usertracking/actions.json`;
  const ids = [...sim.actions()].map((a) => a.id).sort((a, b) => a - b);
  const first = await getJson(base);
  assert.equal(first.actions.limit, 10);
  assert.equal(first.actions.action.length, 10);
  const page = await getJson(`${base}?limit=0&offset=995`);
  assert.deepEqual(page.actions.action.map((a: Json) => a.id), ids.slice(995));
  assert.equal(page.actions.total, 1000);
  assert.equal((await get(`${base}?limit=-5`)).status, 400);
  assert.equal((await get(`${base}?offset=-5`)).status, 400);
  assert.equal((await get(`${base}?limit=many`)).status, 404);
});

Deno.test("action/{id}.json: the action, 204 with no body for an unknown id, 404 for a non-number", async () => {
  for (const flavor of ["dce", "stock", "oc12", "oc16"] as const) {
    await using sim = await start({ flavor });
    const action = sim.actions()[10]!;
    const { status, body } = await get(
      `${sim.url}/usertracking/action/${action.id}.json`,
    );
    assert.equal(status, 200, flavor);
    assert.deepEqual(Object.keys(body), ["action"]);
    assert.equal(body.action.id, action.id);
    assert.equal(body.action.mediapackageId, action.mediapackageId);
    assert.equal(body.action.created, action.createdText);
    assert.equal(
      body.action.isPlaying,
      flavor === "dce" ? action.isPlaying : action.isPlaying > 0,
    );
    const response = await fetch(`${sim.url}/usertracking/action/1.json`);
    assert.equal(response.status, 204, flavor);
    assert.equal(await response.text(), "");
    assert.equal(
      (await get(`${sim.url}/usertracking/action/abc.json`)).status,
      404,
    );
    assert.equal(sim.stats().actionByIdRequests, 3);
  }
});

Deno.test("action ids increase with gaps of at most 50, as a JPA sequence allocated in blocks", async () => {
  await using sim = await start({ actions: 5000, spanSeconds: 600 });
  const ids = [...sim.actions()].map((a) => a.id).sort((a, b) => a - b);
  const gaps = ids.slice(1).map((id, i) => id - ids[i]!);
  assert.ok(gaps.every((gap) => gap >= 1 && gap <= 51), "a gap over 50");
  const skipped = gaps.filter((gap) => gap > 1);
  assert.ok(skipped.length >= 5, `only ${skipped.length} gaps`);
  // A missing id answers 204.
  const missing = ids[gaps.findIndex((gap) => gap > 1)]! + 1;
  const response = await fetch(
    `${sim.url}/usertracking/action/${missing}.json`,
  );
  await response.body?.cancel();
  assert.equal(response.status, 204);
});

Deno.test("usertracking off: every /usertracking path answers 404 and components leave it out", async () => {
  await using sim = await start({ flavor: "oc16", usertracking: false });
  for (
    const path of [
      "/usertracking/actions.json",
      "/usertracking/actions.json?day=20161021",
      `/usertracking/action/${sim.actions()[0]!.id}.json`,
      "/usertracking/stats.json",
    ]
  ) {
    assert.equal((await get(sim.url + path)).status, 404, path);
  }
  const components = await getJson(`${sim.url}/info/components.json`);
  assert.ok(
    components.rest.every((r: Json) => r.path !== "/usertracking"),
  );
  assert.equal((await get(`${sim.url}/search/episode.json`)).status, 200);
});

Deno.test("DCE start and end are read like Java: the repeated 01:30 is the second one, a gap time moves forward", async () => {
  await using sim = await start({ actions: 0, timezone: "America/New_York" });
  const add = (iso: string) =>
    sim.appendActions(2, { created: Temporal.Instant.from(iso) });
  const firstOccurrence = add("2017-11-05T01:30:00-04:00");
  const secondOccurrence = add("2017-11-05T01:30:00-05:00");
  const afterGap = add("2017-03-12T03:30:00-04:00");
  add("2017-03-12T01:30:00-05:00");
  assert.equal(firstOccurrence[0]!.createdText, "2017-11-05T01:30:00-04:00");
  assert.equal(secondOccurrence[0]!.createdText, "2017-11-05T01:30:00-05:00");
  const ids = async (start: string, end: string) =>
    list(
      (await getJson(
        `${sim.url}/usertracking/actions.json?start=${start}&end=${end}&limit=100`,
      )).actions.action,
    ).map((a) => a.id);
  assert.deepEqual(
    await ids("20171105013000", "20171105013000"),
    secondOccurrence.map((a) => a.id),
  );
  // From the (second) 01:00 on: the first 01:30 lies an hour earlier.
  assert.deepEqual(
    await ids("20171105010000", "20171105020000"),
    secondOccurrence.map((a) => a.id),
  );
  // From 00:59 (unambiguous) both occurrences are in.
  assert.deepEqual(
    await ids("20171105005900", "20171105013000"),
    [...firstOccurrence, ...secondOccurrence].map((a) => a.id),
  );
  // 02:30 does not exist on 2017-03-12: it is 03:30 daylight time.
  assert.deepEqual(
    await ids("20170312023000", "20170312023000"),
    afterGap.map((a) => a.id),
  );
  const [late] = list(
    (await getJson(
      `${sim.url}/usertracking/actions.json?start=20170312023000&end=20170312023000`,
    )).actions.action,
  );
  assert.equal(late.created, "2017-03-12T03:30:00-04:00");
});

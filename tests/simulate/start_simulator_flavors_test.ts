/**
 * What each simulator flavor serves differently (opencast-api.md §1–§5):
 * attribute typing, `isPlaying`, search eras, workflow endpoints, version.
 */
import assert from "node:assert/strict";
import type {
  SimulatorFlavor,
  SimulatorOptions,
} from "../../src/simulate/start_simulator.ts";
import { simulator } from "../support/simulator.ts";

const SPAN_END = Temporal.Instant.from("2016-10-21T18:05:00Z");

// deno-lint-ignore no-explicit-any
type Json = any;

async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}

async function getJson(url: string): Promise<Json> {
  const { status, text } = await get(url);
  assert.equal(status, 200, `${url} answered ${status}: ${text}`);
  return JSON.parse(text);
}

function list(value: Json): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function start(flavor: SimulatorFlavor, options: SimulatorOptions = {}) {
  return simulator({ spanEnd: SPAN_END, flavor, ...options });
}

Deno.test("flavors: dce keeps attributes as strings and isPlaying 0/1/2; upstream types them and isPlaying is boolean", async () => {
  await using dce = await start("dce");
  await using stock = await start("stock");
  const legacy = await getJson(
    `${dce.url}/usertracking/actions.json?limit=1000`,
  );
  const coerced = await getJson(
    `${stock.url}/usertracking/actions.json?limit=1000`,
  );
  assert.deepEqual(
    [legacy.actions.total, legacy.actions.limit, legacy.actions.offset],
    ["1000", "1000", "0"],
  );
  assert.deepEqual(
    [coerced.actions.total, coerced.actions.limit, coerced.actions.offset],
    [1000, 1000, 0],
  );
  const legacyPlaying = new Set(
    list(legacy.actions.action).map((a) => a.isPlaying),
  );
  const coercedPlaying = new Set(
    list(coerced.actions.action).map((a) => a.isPlaying),
  );
  assert.deepEqual([...legacyPlaying].sort(), [0, 1, 2]);
  assert.deepEqual([...coercedPlaying].sort(), [false, true]);
  // Same data either way: same seed, same actions.
  assert.deepEqual(
    dce.actions().map((a) => a.id),
    stock.actions().map((a) => a.id),
  );
  // Element text is typed in both (R5): numeric user ids are numbers.
  assert.ok(
    list(coerced.actions.action).some((a) =>
      typeof a.sessionId.userId === "number"
    ),
  );
});

Deno.test("flavors: /info/components.json reports a version that fits", async () => {
  const expected: Record<SimulatorFlavor, RegExp> = {
    dce: /^5\./,
    stock: /^(8|9|10|11)\./,
    oc12: /^(12|13|14|15)\./,
    oc16: /^1[6-9]\./,
  };
  for (const [flavor, version] of Object.entries(expected)) {
    await using sim = await start(flavor as SimulatorFlavor);
    const body = await getJson(`${sim.url}/info/components.json`);
    assert.match(body.version, version, flavor);
    assert.equal(sim.flavor, flavor);
  }
});

Deno.test("flavors: stock search sorts by DATE_CREATED[_DESC], ignores the DCE parameters and never shows deleted episodes", async () => {
  await using sim = await start("stock", { episodes: 200 });
  const visible = sim.episodes().filter((e) => !e.deleted);
  const ascending = [...visible].sort((a, b) =>
    Temporal.Instant.compare(a.created, b.created)
  );
  const base = `${sim.url}/search/episode.json`;
  const asc = await getJson(`${base}?sort=DATE_CREATED&limit=500`);
  assert.equal(asc["search-results"].total, visible.length);
  assert.equal(asc["search-results"].limit, visible.length);
  assert.deepEqual(
    list(asc["search-results"].result).map((r) => r.id),
    ascending.map((e) => e.id),
  );
  const desc = await getJson(`${base}?sort=DATE_CREATED_DESC&limit=3`);
  assert.deepEqual(
    list(desc["search-results"].result).map((r) => r.id),
    ascending.slice(-3).reverse().map((e) => e.id),
  );
  assert.equal(desc["search-results"].limit, 3);
  // Typed attributes (8+): the duration is a number.
  const timed = list(asc["search-results"].result).find((r) =>
    r.mediapackage.duration !== undefined
  );
  assert.equal(typeof timed.mediapackage.duration, "number");
  // createdFrom/createdTo/includeDeleted are the DCE fork's: ignored here.
  const from = ascending[150]!.created;
  const ignored = await getJson(
    `${base}?sort=DATE_CREATED&limit=500&createdFrom=${from}&includeDeleted=true`,
  );
  assert.equal(ignored["search-results"].total, visible.length);
  const deleted = sim.episodes().find((e) => e.deleted)!;
  const hidden = await getJson(
    `${base}?id=${deleted.id}&includeDeleted=true`,
  );
  assert.equal(hidden["search-results"].total, 0);
  // No limit: 2000 at most (7.4 – 10.x), and `limit` is the page size.
  const all = await getJson(base);
  assert.equal(all["search-results"].limit, visible.length);
});

Deno.test("flavors: oc12 search echoes the rows requested and defaults to 100", async () => {
  await using sim = await start("oc12", { episodes: 150 });
  const visible = sim.episodes().filter((e) => !e.deleted).length;
  const none = await getJson(`${sim.url}/search/episode.json`);
  assert.equal(none["search-results"].limit, 100);
  assert.equal(list(none["search-results"].result).length, 100);
  const five = await getJson(
    `${sim.url}/search/episode.json?limit=5&offset=${visible - 2}`,
  );
  assert.equal(five["search-results"].limit, 5);
  assert.equal(list(five["search-results"].result).length, 2);
});

Deno.test("flavors: oc16 search has no wrapper, a result list, Dublin Core lists and Java doubles", async () => {
  await using sim = await start("oc16", { episodes: 60 });
  const episode = sim.episodes().find((e) =>
    e.series && e.duration && !e.deleted && e.attachments.length > 0
  )!;
  const { status, text } = await get(
    `${sim.url}/search/episode.json?id=${episode.id}`,
  );
  assert.equal(status, 200);
  assert.ok(
    text.includes(`"duration":${episode.duration}.0`),
    text.slice(0, 300),
  );
  const series = Number(episode.series);
  const exponent = Math.floor(Math.log10(series));
  const mantissa = String(series / 10 ** exponent);
  assert.ok(
    text.includes(`"series":${mantissa}E${exponent}`),
    `series as a Java double in ${text.slice(0, 400)}`,
  );
  assert.ok(!text.includes("\\/"), "Gson does not escape slashes");
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body), ["offset", "total", "limit", "result"]);
  assert.deepEqual([body.offset, body.total, body.limit], [0, 1, 20]);
  assert.ok(Array.isArray(body.result));
  const [item] = body.result;
  assert.deepEqual(Object.keys(item), [
    "mediapackage",
    "dc",
    "acl",
    "org",
    "type",
    "modified",
  ]);
  assert.equal(item.type, "Episode");
  assert.deepEqual(item.dc.isPartOf, [episode.series]);
  assert.deepEqual(item.dc.identifier, [episode.id]);
  assert.equal(
    Temporal.Instant.from(item.dc.created[0]).epochMilliseconds,
    episode.created.epochMilliseconds,
  );
  assert.equal(
    Temporal.Instant.from(item.modified).epochMilliseconds,
    episode.modified.epochMilliseconds,
  );
  assert.match(item.modified, /Z$/);
  assert.equal(item.mediapackage.id, episode.id);
  // An empty result is still a list.
  const none = await getJson(
    `${sim.url}/search/episode.json?id=${sim.missingEpisodeIds()[0]}`,
  );
  assert.deepEqual(none.result, []);
  // episode.xml is gone.
  assert.equal((await get(`${sim.url}/search/episode.xml`)).status, 404);
});

Deno.test("flavors: oc16 search sort and limit rules", async () => {
  await using sim = await start("oc16", { episodes: 300 });
  const base = `${sim.url}/search/episode.json`;
  for (
    const bad of [
      "DATE_CREATED",
      "DATE_CREATED_DESC",
      "created",
      "modified sideways",
    ]
  ) {
    const { status, text } = await get(
      `${base}?sort=${encodeURIComponent(bad)}`,
    );
    assert.equal(status, 400, bad);
    assert.match(text, /Invalid sort parameter/);
  }
  const visible = sim.episodes().filter((e) => !e.deleted);
  const newest = [...visible].sort((a, b) =>
    b.modified.epochMilliseconds - a.modified.epochMilliseconds
  );
  for (const sort of ["modified desc", "MODIFIED DESC", "Modified Desc"]) {
    const body = await getJson(
      `${base}?sort=${encodeURIComponent(sort)}&limit=250`,
    );
    assert.equal(body.total, visible.length, sort);
    const got = body.result.map((r: Json) =>
      Temporal.Instant.from(r.modified).epochMilliseconds
    );
    assert.deepEqual(
      got,
      newest.slice(0, 250).map((e) => e.modified.epochMilliseconds),
      sort,
    );
  }
  const ascending = await getJson(`${base}?sort=title%20asc&limit=50`);
  const titles = ascending.result.map((r: Json) =>
    String(r.mediapackage.title)
  );
  assert.ok(ascending.result.length === 50);
  assert.ok(
    ascending.result.every((r: Json, i: number) =>
      i === 0 ||
      String(ascending.result[i - 1].dc.title[0]) <= String(r.dc.title[0])
    ),
    titles.join(" | "),
  );
  assert.equal((await getJson(base)).result.length, 20);
  assert.equal((await getJson(`${base}?limit=abc`)).limit, 20);
  const zero = await getJson(`${base}?limit=0`);
  assert.deepEqual([zero.result, zero.total], [[], visible.length]);
  assert.equal((await get(`${base}?limit=251`)).status, 400);
  assert.equal((await get(`${base}?limit=-1`)).status, 400);
  // Deleted episodes never, whatever the DCE parameters say.
  const deleted = sim.episodes().find((e) => e.deleted)!;
  const hidden = await getJson(`${base}?id=${deleted.id}&includeDeleted=true`);
  assert.equal(hidden.total, 0);
});

Deno.test("flavors: oc12 and oc16 answer 404 on /workflow/instances.json and serve workflows per mediapackage", async () => {
  for (const flavor of ["oc12", "oc16"] as const) {
    await using sim = await start(flavor, { episodes: 100 });
    assert.equal(
      (await get(`${sim.url}/workflow/instances.json`)).status,
      404,
      flavor,
    );
    const workflows = sim.workflows();
    const live = sim.episodes().find((e) => e.live)!;
    const expected = workflows.filter((w) => w.mediapackageId === live.id);
    const body = await getJson(
      `${sim.url}/workflow/mediaPackage/${live.id}/instances.json`,
    );
    assert.deepEqual(
      Object.keys(body.workflows).filter((k) => k !== "workflow"),
      [],
    );
    const got = list(body.workflows.workflow);
    assert.deepEqual(got.map((w) => w.id), expected.map((w) => w.id));
    const newest = got.at(-1);
    assert.equal(newest.mediaPackageId, live.id);
    assert.match(
      newest.dateCreated,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?[-+]\d\d:\d\d$/,
    );
    assert.equal(typeof newest.dateCompleted, "string");
    const operations = list(newest.operations.operation);
    assert.ok(operations.every((op) => typeof op.id === "number"));
    const capture = operations.find((op) => op.template === "capture");
    assert.ok(capture, "the operation name is in template");
    assert.ok(!operations.some((op) => op.id === "capture"));
    assert.ok(capture.completed > capture.started);
    // A mediapackage without workflows: an empty element (R4).
    const counts = new Set(workflows.map((w) => w.mediapackageId));
    const none = sim.episodes().find((e) => !counts.has(e.id))!;
    const empty = await get(
      `${sim.url}/workflow/mediaPackage/${none.id}/instances.json`,
    );
    assert.equal(empty.text, '{"workflows":""}');
    assert.equal(sim.stats().workflowRequests, 3);
  }
});

Deno.test("flavors: dce and stock keep /workflow/instances.json, with operation names in id; every flavor serves an instance by id", async () => {
  for (const flavor of ["dce", "stock", "oc12", "oc16"] as const) {
    await using sim = await start(flavor);
    const workflow = sim.workflows().find((w) => w.operations.length > 1)!;
    const one = await getJson(
      `${sim.url}/workflow/instance/${workflow.id}.json`,
    );
    const typed = flavor === "dce" ? String(workflow.id) : workflow.id;
    assert.equal(one.workflow.id, typed, flavor);
    const ops = list(one.workflow.operations.operation);
    const names = workflow.operations.map((op) => op.name);
    if (flavor === "dce" || flavor === "stock") {
      assert.deepEqual(ops.map((op) => op.id), names, flavor);
      const listed = await getJson(
        `${sim.url}/workflow/instances.json?mp=${workflow.mediapackageId}`,
      );
      assert.equal(
        listed.workflows.totalCount,
        flavor === "dce"
          ? String(list(listed.workflows.workflow).length)
          : list(listed.workflows.workflow).length,
      );
      assert.equal(
        (await get(
          `${sim.url}/workflow/mediaPackage/${workflow.mediapackageId}/instances.json`,
        )).status,
        404,
      );
    } else {
      assert.deepEqual(ops.map((op) => op.template), names, flavor);
    }
    assert.equal(
      (await get(`${sim.url}/workflow/instance/1.json`)).status,
      404,
    );
  }
});

Deno.test("default data: some episodes were created within the day before the span end", async () => {
  await using sim = await start("dce");
  const dayAgo = SPAN_END.subtract({ hours: 24 });
  const recent = sim.episodes().filter((e) =>
    Temporal.Instant.compare(e.created, dayAgo) >= 0 &&
    Temporal.Instant.compare(e.created, SPAN_END) <= 0
  );
  assert.ok(recent.length >= 2, `${recent.length} recent episodes`);
  assert.ok(
    sim.episodes().every((e) =>
      Temporal.Instant.compare(e.modified, SPAN_END) <= 0 &&
      Temporal.Instant.compare(e.modified, e.created) >= 0
    ),
  );
  // What load_episodes -c 1 asks the DCE fork.
  const body = await getJson(
    `${sim.url}/search/episode.json?limit=100&sort=DATE_CREATED&includeDeleted=true&createdFrom=${dayAgo}&createdTo=${SPAN_END}`,
  );
  assert.equal(
    Number(body["search-results"].total),
    recent.length,
  );
});

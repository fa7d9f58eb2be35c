/**
 * `harvest --source matomo` against the Matomo simulator, in process at
 * chosen "nows" (issue 19's done-when): a backfill window, cron runs with
 * actions appended to open visits, new visits and a late visit between them,
 * windows across a daylight-saving change in the site's zone, each exact
 * against the simulator's ground truth (what it generated, not its JSON);
 * then the failures, each with nothing sent and the checkpoint unmoved.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import type { SimEpisode } from "../../src/simulate/start_simulator.ts";
import type { MatomoSimulator } from "../../src/simulate/start_matomo_simulator.ts";
import { expectedMatomoRecord } from "../support/expected_record.ts";
import {
  createPrivateCa,
  HAS_OPENSSL,
  startTlsProxy,
} from "../support/private_ca.ts";
import {
  type HarvestOutcome,
  openMatomoFixture,
  truthBetween,
} from "./_matomo_fixture.ts";
import { freePort } from "../support/free_port.ts";

const SPAN_END = Temporal.Instant.from("2024-11-04T12:00:00Z");

function byId(records: readonly Record<string, unknown>[]) {
  return [...records].sort((a, b) =>
    (a.action_id as number) - (b.action_id as number)
  );
}

/** The records a window must hold, from the ground truth and the episodes. */
function expectedRecords(
  sim: MatomoSimulator,
  start: Temporal.Instant,
  end: Temporal.Instant,
  episodes: readonly SimEpisode[] = [],
) {
  const known = new Map(episodes.map((e) => [e.id, e]));
  return byId(
    truthBetween(sim, start, end).map((action) =>
      expectedMatomoRecord(action, known.get(action.mediapackageId))
    ),
  );
}

/** Skipped actions of the ground truth created in the window, by reason. */
function expectedSkips(
  sim: MatomoSimulator,
  start: Temporal.Instant,
  end: Temporal.Instant,
): Record<string, number> {
  const seconds = new Map<number, number>();
  for (const visit of sim.visits()) {
    for (const action of visit.actions) {
      seconds.set(action.pageId, action.seconds);
    }
  }
  const from = Math.floor(start.epochMilliseconds / 1000);
  const to = Math.floor(end.epochMilliseconds / 1000);
  const counts: Record<string, number> = {};
  for (const skipped of sim.groundTruth().skipped) {
    const second = seconds.get(skipped.pageId)!;
    if (second >= from && second <= to) {
      counts[skipped.reason] = (counts[skipped.reason] ?? 0) + 1;
    }
  }
  return counts;
}

function nonZero(counts: Readonly<Record<string, number>> | undefined) {
  return Object.fromEntries(
    Object.entries(counts ?? {}).filter(([, n]) => n > 0),
  );
}

function assertOk(outcome: HarvestOutcome): void {
  assert.equal(outcome.exitCode, 0, outcome.error ?? outcome.lines.join("\n"));
}

Deno.test("a Matomo backfill window delivers exactly the ground truth's records, counts its skips by reason and warns about cut visits", async () => {
  await using f = await openMatomoFixture({
    spanEnd: SPAN_END,
    actions: 3000,
    maxActionsPerVisit: 300,
  });
  const start = SPAN_END.subtract({ minutes: 100 });
  const end = SPAN_END.subtract({ minutes: 40 });
  const output = join(f.dir, "backfill.jsonl");
  const outcome = await f.harvestAt(
    SPAN_END.add({ hours: 2 }),
    f.backfillArgs(start.toString(), end.toString(), output),
  );
  assertOk(outcome);
  const records = await f.records(output);
  const expected = expectedRecords(f.sim, start, end);
  assert.ok(expected.length > 300, `${expected.length} records to check`);
  assert.deepEqual(byId(records), expected);
  // The record keeps Opencast's shape, `source` just before `episode`.
  const line = (await Deno.readTextFile(output)).split("\n")[0]!;
  assert.match(line, /"is_live":0,"source":"matomo","episode":\{\}\}$/);
  assert.deepEqual(
    nonZero(outcome.summary?.sourceSkipped),
    expectedSkips(f.sim, start, end),
  );
  assert.ok(
    outcome.lines.some((l) => /not viewer actions \(timeupdate \d+/.test(l)),
  );
  // The merged anonymous visit goes on all span long: it is cut, and named.
  const cut = outcome.lines.flatMap((l) => {
    const match = /^Matomo visit (\d+) has (\d+) more actions/.exec(l);
    return match ? [[Number(match[1]), Number(match[2])]] : [];
  });
  assert.ok(cut.length > 0, "a cut visit is warned about");
  const truncated = f.sim.groundTruth().truncated.map((t) => [
    t.idVisit,
    t.count,
  ]);
  for (const visit of cut) assert.deepEqual(truncated[0], visit);
  const stats = f.sim.stats();
  assert.equal(stats.unlimitedRequests, 0, "filter_limit=-1 never sent");
  assert.equal(stats.tokenInUrl, 0);
  assert.ok(stats.largestLimit <= 500);
  assert.equal(
    existsSync(join(f.dir, "checkpoint.json")),
    false,
    "a backfill leaves the checkpoint alone",
  );
});

Deno.test("Matomo cron runs deliver every action once: appended to open visits, new visits, and a visit stored late, with a compact checkpoint", async () => {
  const t0 = SPAN_END;
  await using f = await openMatomoFixture({
    spanEnd: t0,
    actions: 1500,
    timezone: "America/New_York",
    episodes: 20,
    opencast: true,
  });
  const output = join(f.dir, "cron.jsonl");
  const args = f.args("--output", `file:${output}`, "-i", "150");
  const first = t0.subtract({ minutes: 150 });
  assertOk(await f.harvestAt(t0, args));
  let now = t0;
  for (let run = 1; run <= 3; run++) {
    f.sim.arrive({ at: now.add({ seconds: 40 }), appends: 30, newVisits: 4 });
    // Queued tracking stores a visit whose actions are ten minutes old.
    f.sim.arrive({
      at: now.add({ seconds: 70 }),
      lateVisits: 1,
      lateMinutes: 10,
    });
    now = now.add({ minutes: 2 });
    const outcome = await f.harvestAt(now, args);
    assertOk(outcome);
    assert.ok(
      outcome.lines.every((l) => !/out of created order/.test(l)),
      "no out-of-order warning",
    );
  }
  const records = await f.records(output);
  const ids = records.map((r) => r.action_id);
  assert.equal(new Set(ids).size, ids.length, "nothing delivered twice");
  const expected = expectedRecords(f.sim, first, now, f.opencast!.episodes());
  assert.deepEqual(byId(records), expected);
  assert.ok(
    records.some((r) => Object.keys(r.episode as object).length > 0),
    "episodes from Opencast",
  );
  const checkpoint = JSON.parse(
    await Deno.readTextFile(join(f.dir, "checkpoint.json")),
  );
  assert.equal(checkpoint.source, "matomo");
  assert.deepEqual(checkpoint.ids, []);
  // Held back by the overlap, from the last run's end.
  assert.equal(
    checkpoint.timestamp,
    now.subtract({ minutes: 30 }).toString({ smallestUnit: "second" }),
  );
  assert.equal(checkpoint.reached, now.toString({ smallestUnit: "second" }));
  // The position keeps the ids it read from the overlap on as ranges, with
  // no hole but the actions Matomo cannot show (a cut visit's past its
  // maximum): records and skipped actions alike.
  const kept = new Set<number>();
  for (const range of checkpoint.position.pageIds as (number | number[])[]) {
    const [low, high] = typeof range === "number" ? [range, range] : range;
    for (let id = low!; id <= high!; id++) kept.add(id);
  }
  const unreadable = new Set(
    f.sim.visits().flatMap((v) => v.actions.slice(500).map((a) => a.pageId)),
  );
  const lowest = Math.min(...kept);
  const highest = Math.max(...kept);
  assert.ok(kept.size > 100, `${kept.size} ids kept`);
  for (let id = lowest; id <= highest; id++) {
    assert.ok(kept.has(id) || unreadable.has(id), `${id} is kept`);
  }
  assert.ok(
    JSON.stringify(checkpoint.position).length * 2 <
      JSON.stringify([...kept]).length,
    "ranges take a fraction of a list",
  );
});

Deno.test("Matomo windows across a daylight-saving change of the site's zone: a backfill and cron runs through it are exact", async () => {
  await using f = await openMatomoFixture({
    spanEnd: SPAN_END,
    actions: 300,
    dstVisits: 40,
  });
  // Europe/Berlin fell back on 2024-10-27 (03:00 CEST became 02:00 CET).
  const change = f.sim.dstTransitions().at(-1)!;
  assert.equal(change.toString(), "2024-10-27T01:00:00Z");
  const start = change.subtract({ hours: 2 });
  const end = change.add({ hours: 2 });
  const output = join(f.dir, "dst.jsonl");
  assertOk(
    await f.harvestAt(
      SPAN_END,
      f.backfillArgs(start.toString(), end.toString(), output),
    ),
  );
  const expected = expectedRecords(f.sim, start, end);
  assert.ok(expected.length > 100);
  assert.deepEqual(byId(await f.records(output)), expected);
  // Both occurrences of the repeated hour (02:00-03:00 wall time).
  const inHour = (offsetHours: number) =>
    expected.some((r) => {
      const t = Date.parse(r.timestamp as string) - change.epochMilliseconds;
      return t >= offsetHours * 3_600_000 && t < (offsetHours + 1) * 3_600_000;
    });
  assert.ok(inHour(-1) && inHour(0));

  // Cron runs every 20 minutes through the change, arrivals between them.
  const cron = join(f.dir, "dst-cron.jsonl");
  const args = f.args("--output", `file:${cron}`, "-i", "30");
  let now = change.subtract({ minutes: 50 });
  const from = now.subtract({ minutes: 30 });
  for (let run = 0; run < 6; run++) {
    assertOk(await f.harvestAt(now, args));
    f.sim.arrive({ at: now.add({ minutes: 7 }), appends: 6, newVisits: 2 });
    f.sim.arrive({ at: now.add({ minutes: 14 }), appends: 6, lateVisits: 1 });
    now = now.add({ minutes: 20 });
  }
  assertOk(await f.harvestAt(now, args));
  assert.deepEqual(
    byId(await f.records(cron)),
    expectedRecords(f.sim, from, now),
  );
});

Deno.test("a wrong Matomo token is exit 3 with one line naming MATOMO_TOKEN_AUTH, tried once, nothing sent and the checkpoint unmoved", async () => {
  await using f = await openMatomoFixture({ spanEnd: SPAN_END, actions: 200 });
  const state = join(f.dir, "checkpoint.json");
  const stored =
    '{"version":1,"timestamp":"2024-11-04T11:00:00Z","ids":[],"source":"matomo","position":{"pageIds":[]}}\n';
  await Deno.writeTextFile(state, stored);
  const output = join(f.dir, "out.jsonl");
  const outcome = await f.harvestAt(
    SPAN_END,
    f.args("--output", `file:${output}`),
    { MATOMO_TOKEN_AUTH: "not-the-token" },
  );
  assert.equal(outcome.exitCode, 3);
  assert.match(outcome.error!, /refused the token .*check MATOMO_TOKEN_AUTH/);
  assert.doesNotMatch(outcome.error!, /\n|not-the-token/);
  assert.equal(f.sim.stats().authFailures, 1, "no retry loop");
  assert.equal(existsSync(output), false, "nothing sent");
  assert.equal(await Deno.readTextFile(state), stored, "checkpoint unmoved");
});

Deno.test("an unreachable Matomo is exit 4 after its attempts, a switched-off visits log and an answer that is not JSON exit 5, each with nothing sent", async () => {
  await using f = await openMatomoFixture({ spanEnd: SPAN_END, actions: 200 });
  const output = join(f.dir, "out.jsonl");
  const state = join(f.dir, "checkpoint.json");
  /** The harvest into `output` from the Matomo at `url`, `more` added. */
  const from = (url: string, ...more: string[]) =>
    f.args("--output", `file:${output}`, "--matomo-url", url, ...more);
  const port = freePort();
  const unreachable = await f.harvestAt(
    SPAN_END,
    from(`http://127.0.0.1:${port}/`, "--matomo-max-attempts", "2"),
  );
  assert.equal(unreachable.exitCode, 4, unreachable.error);
  assert.match(
    unreachable.error!,
    /^Matomo at 127\.0\.0\.1:\d+ did not answer SitesManager\.getSiteFromId after 2 attempts: last network error/,
  );

  f.sim.setVisitorLog("disabled-for-site");
  const off = await f.harvestAt(SPAN_END, f.args("--output", `file:${output}`));
  assert.equal(off.exitCode, 5);
  assert.match(off.error!, /visits log switched off.*disable_visitor_log/);
  f.sim.setVisitorLog("enabled");

  await using html = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response("<html><body>Maintenance</body></html>", {
        headers: { "content-type": "text/html" },
      }),
  );
  const notJson = await f.harvestAt(
    SPAN_END,
    from(`http://127.0.0.1:${html.addr.port}/`),
  );
  assert.equal(notJson.exitCode, 5);
  assert.match(notJson.error!, /with something that is not JSON/);
  for (const outcome of [unreachable, off, notJson]) {
    assert.doesNotMatch(outcome.error!, /\n/, "one line");
  }
  assert.equal(existsSync(output), false, "nothing sent");
  assert.equal(existsSync(state), false, "no checkpoint saved");
});

Deno.test("a window older than the visits Matomo still holds says that it finds nothing", async () => {
  await using f = await openMatomoFixture({
    spanEnd: SPAN_END,
    actions: 200,
    dstVisits: 0,
  });
  const output = join(f.dir, "old.jsonl");
  const outcome = await f.harvestAt(
    SPAN_END,
    f.backfillArgs("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z", output),
  );
  assertOk(outcome);
  assert.ok(
    outcome.lines.some((l) =>
      /^Matomo holds no visits of site 1 before 2024-11-04T\d\d:\d\d:\d\dZ, so the window from 2024-01-01T00:00:00Z to 2024-01-02T00:00:00Z finds nothing/
        .test(l)
    ),
    outcome.lines.join("\n"),
  );
  assert.deepEqual(await f.records(output), []);
});

Deno.test("a long Matomo window harvested with --catch-up in sub-windows is exact, and a --dry-run sends and saves nothing", async () => {
  await using f = await openMatomoFixture({ spanEnd: SPAN_END, actions: 1500 });
  const start = SPAN_END.subtract({ minutes: 110 });
  const end = SPAN_END.subtract({ minutes: 5 });
  const state = join(f.dir, "checkpoint.json");
  const output = join(f.dir, "catch-up.jsonl");
  const dryRun = await f.harvestAt(
    SPAN_END,
    f.backfillArgs(start, end, output, "--dry-run", "--update-last-ts"),
  );
  assertOk(dryRun);
  assert.equal(existsSync(output), false, "a dry run sends nothing");
  assert.equal(existsSync(state), false, "and saves nothing");
  const outcome = await f.harvestAt(
    SPAN_END,
    f.backfillArgs(
      start,
      end,
      output,
      "--catch-up",
      "--max-span",
      "1200",
      "--update-last-ts",
    ),
  );
  assertOk(outcome);
  assert.equal(
    outcome.lines.filter((l) => /^Window \d+ of 6 done/.test(l)).length,
    6,
    outcome.lines.join("\n"),
  );
  assert.deepEqual(
    byId(await f.records(output)),
    expectedRecords(f.sim, start, end),
  );
  const checkpoint = JSON.parse(await Deno.readTextFile(state));
  assert.equal(
    checkpoint.timestamp,
    end.subtract({ minutes: 30 }).toString(),
    "held back from the last window's end",
  );
  assert.equal(checkpoint.reached, end.toString());
});

Deno.test({
  name:
    "a Matomo behind a private CA is read over https with --ca-cert; without it, one line naming UA_HARVEST_CA_CERT and no retry",
  ignore: !HAS_OPENSSL,
  async fn() {
    await using f = await openMatomoFixture({
      spanEnd: SPAN_END,
      actions: 300,
    });
    const ca = await createPrivateCa(f.dir);
    await using https = startTlsProxy(f.sim.url, ca);
    const output = join(f.dir, "tls.jsonl");
    const window = [
      "-s",
      SPAN_END.subtract({ minutes: 60 }).toString(),
      "-e",
      SPAN_END.toString(),
      "--output",
      `file:${output}`,
      "--matomo-url",
      https.url,
    ];
    const refused = await f.harvestAt(SPAN_END, f.args(...window));
    assert.equal(refused.exitCode, 4, refused.error);
    assert.match(
      refused.error!,
      /^Matomo at 127\.0\.0\.1:\d+ presented a TLS certificate this machine does not trust .*set UA_HARVEST_CA_CERT .*not retried$/,
    );
    assert.equal(https.requests, 0, "no request got past the handshake");
    assert.equal(existsSync(output), false);
    assertOk(
      await f.harvestAt(SPAN_END, f.args(...window, "--ca-cert", ca.caPath)),
    );
    assert.deepEqual(
      byId(await f.records(output)),
      expectedRecords(
        f.sim,
        SPAN_END.subtract({ minutes: 60 }),
        SPAN_END,
      ),
    );
  },
});

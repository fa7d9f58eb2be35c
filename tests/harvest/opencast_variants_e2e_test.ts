/**
 * Issue 8 end to end: the CLI, with no variant flag, against every simulator
 * flavor (the DCE fork and upstream Opencast), counted by action id.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import {
  fileIds,
  openFixture,
  simIds,
  stderrLines,
  tally,
} from "./_delivery_fixture.ts";
import { SIMULATOR_FLAVORS } from "../../src/simulate/start_simulator.ts";
import { parseRunRecord } from "../../src/run_record/parse_run_record.ts";
import { parsePrometheusText } from "../support/parse_prometheus_text.ts";

const exact = { missing: [], unexpected: [], duplicates: 0 };

for (const flavor of SIMULATOR_FLAVORS) {
  Deno.test(`harvest on the ${flavor} flavor: cron runs with arrivals deliver every action once, reading pages in proportion to the new ones`, async () => {
    await using f = await openFixture({
      actions: 3000,
      spanSeconds: 240,
      flavor,
    });
    const output = join(f.dir, "actions.jsonl");
    const args = f.fileArgs(output, "-b", "100", "-i", "5");
    const metrics = join(f.dir, "ua_harvest.prom");
    const first = await f.run(args, { UA_HARVEST_METRICS_FILE: metrics });
    assert.equal(first.code, 0, first.stderr);
    const variant = flavor === "dce" ? "dce" : "upstream";
    assert.match(
      first.stderr,
      new RegExp(`Opencast API: ${variant} \\(detected`),
    );
    // The run says what the source is: the start line, the last-run record
    // and the metrics' build info.
    assert.match(
      first.stderr,
      new RegExp(`source Opencast \\(${variant}\\) at 127\\.0\\.0\\.1`),
    );
    const recordPath = join(f.dir, "checkpoint.json.last-run.json");
    const record = parseRunRecord(
      await Deno.readTextFile(recordPath),
      recordPath,
    );
    assert.equal(record.opencastVariant, variant);
    const buildInfo = parsePrometheusText(await Deno.readTextFile(metrics))
      .get("ua_harvest_build_info")?.samples[0];
    assert.equal(buildInfo?.labels.opencast_variant, variant);
    assert.equal(buildInfo?.value, 1);
    const pagesPerRun: number[] = [];
    for (let run = 0; run < 3; run++) {
      f.sim.appendActions(40);
      f.sim.resetStats();
      const next = await f.run(args);
      assert.equal(next.code, 0, next.stderr);
      const stats = f.sim.stats();
      pagesPerRun.push(stats.actionRequests);
      // 40 new actions at 100 a page: the probe plus one or two pages,
      // whatever the size of the day so far.
      assert.ok(stats.actionRequests <= 3, `${stats.actionRequests} requests`);
      assert.match(
        next.stderr,
        new RegExp(`Harvest done: .*, source Opencast \\(${variant}\\)`),
      );
    }
    const { ids } = await fileIds(output);
    assert.deepEqual(tally(ids, simIds(f.sim)), exact);
    console.log(`${flavor}: action requests per cron run ${pagesPerRun}`);
  });
}

for (const flavor of ["stock", "oc16"] as const) {
  Deno.test(`harvest on the ${flavor} flavor across the server's midnight, day seconds pinned at 30.5, misses nothing in the lost edges`, async () => {
    // 2025-12-05 00:00 in New York; actions from 23:50 to 00:10.
    const midnight = Temporal.Instant.from("2025-12-05T05:00:00Z");
    await using f = await openFixture({
      actions: 1200,
      spanSeconds: 1200,
      spanEnd: midnight.add({ minutes: 10 }),
      flavor,
      daySeconds: 30.5,
    });
    const lost = f.sim.actions().filter((a) => {
      const t = Number(
        a.created.epochMilliseconds - midnight.epochMilliseconds,
      );
      return (t > -29_500 && t < 0) || (t >= 0 && t < 30_500);
    });
    assert.ok(lost.length > 20, `${lost.length} actions in the lost edges`);
    const start = midnight.subtract({ minutes: 5 });
    const end = midnight.add({ minutes: 5 });
    const { result, ids, expected } = await f.backfill(
      start.toString(),
      end.toString(),
      "-b",
      "100",
    );
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(tally(ids, expected), exact);
    assert.ok(f.sim.stats().actionByIdRequests > 0, "the edges were probed");
    assert.ok(
      f.sim.stats().actionByIdRequests < 3 * lost.length + 50,
      `${f.sim.stats().actionByIdRequests} probes`,
    );
  });
}

Deno.test("harvest on the oc12 flavor over the fall-back day (25 hours) delivers exactly its window", async () => {
  // 2017-11-05 in New York: 01:00-01:59 happens twice.
  const spanEnd = Temporal.Instant.from("2017-11-05T08:00:00Z");
  await using f = await openFixture({
    actions: 1500,
    spanSeconds: 6 * 3600,
    spanEnd,
    flavor: "oc12",
  });
  const start = Temporal.Instant.from("2017-11-05T03:30:00Z"); // 23:30 EDT on the 4th
  const end = Temporal.Instant.from("2017-11-05T06:45:00Z"); // the second 01:45
  const { result, ids, expected } = await f.backfill(
    start.toString(),
    end.toString(),
    "-b",
    "200",
  );
  assert.equal(result.code, 0, result.stderr);
  assert.ok(expected.length > 500);
  assert.deepEqual(tally(ids, expected), exact);
});

Deno.test("harvest against an engage node without usertracking exits 9 in one line, sending and saving nothing", async () => {
  await using f = await openFixture({ flavor: "oc16", usertracking: false });
  const output = join(f.dir, "none.jsonl");
  const state = join(f.dir, "checkpoint.json");
  const result = await f.run(
    f.harvestArgs("--output", `file:${output}`, "--state-file", state),
  );
  assert.equal(result.code, 9, result.stderr);
  const lines = stderrLines(result);
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /usertracking plugin is not enabled/);
  assert.match(lines[0], /no longer has it/);
  assert.equal(existsSync(output), false, "no output");
  assert.equal(existsSync(state), false, "no checkpoint");
});

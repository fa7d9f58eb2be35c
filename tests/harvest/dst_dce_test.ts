/**
 * Issue 12 on the DCE flavor in America/New_York: backfills and cron runs
 * through the repeated fall-back hour and the spring-forward gap. Cron runs
 * go in process so their "now" can be set; each window ends at now, with no
 * action past it yet (arrivals are appended between runs).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import { resolveHarvestSettings } from "../../src/cli/resolve_harvest_settings.ts";
import { runHarvest } from "../../src/harvest/run_harvest.ts";
import { fileIds, openFixture, tally, ZONE } from "./_delivery_fixture.ts";
import { parseFlags } from "../support/parse_flags.ts";
import { testContext } from "../support/command_context.ts";

const exact = { missing: [], unexpected: [], duplicates: 0 };

/** Runs `harvest` in process at a given "now". */
async function harvestAt(
  now: Temporal.Instant,
  args: string[],
  env: Record<string, string>,
) {
  const context = testContext();
  const settings = resolveHarvestSettings({
    options: parseFlags(harvestCommand(context), args, env),
    env,
    now,
    localTimeZone: Temporal.Now.timeZoneId(),
    stderrIsTerminal: false,
  });
  return await runHarvest(settings, {
    signal: context.signal,
    now: () => now,
  });
}

Deno.test("fall-back day, backfill: a run ending at the first 01:30 (given as an instant) delivers exactly its window", async () => {
  await using f = await openFixture({
    actions: 2000,
    spanSeconds: 4 * 3600,
    spanEnd: Temporal.Instant.from("2017-11-05T08:00:00Z"),
  });
  const { result, ids, expected } = await f.backfill(
    "2017-11-05T00:00:00-04:00",
    "2017-11-05T01:30:00-04:00", // the first 01:30
  );
  assert.equal(result.code, 0, result.stderr);
  assert.ok(expected.length > 300);
  assert.deepEqual(tally(ids, expected), exact);
});

for (
  const [name, from, to] of [
    // Every 7 minutes from 00:40 EDT through both 01:00-01:59 to 02:20 EST.
    ["fall-back", "2017-11-05T04:40:00Z", "2017-11-05T07:20:00Z"],
    // From 01:30 EST across the missing 02:00-02:59 to 03:40 EDT.
    ["spring-forward", "2017-03-12T06:30:00Z", "2017-03-12T07:40:00Z"],
  ] as const
) {
  Deno.test(`${name} day, cron: runs ending at now every few minutes deliver every action exactly once`, async () => {
    const begin = Temporal.Instant.from(from);
    await using f = await openFixture({
      actions: 200,
      spanSeconds: 600,
      spanEnd: begin,
    });
    const output = join(f.dir, "cron.jsonl");
    const state = join(f.dir, "checkpoint.json");
    const args = [
      "-H",
      f.sim.url,
      "--server-timezone",
      ZONE,
      "--cache-file",
      join(f.dir, "episodes.sqlite"),
      "--wait",
      "0",
      "--output",
      `file:${output}`,
      "--state-file",
      state,
      "-i",
      "15",
    ];
    const env = { ...f.env, HOME: f.dir };
    let now = begin;
    let runs = 0;
    while (Temporal.Instant.compare(now, Temporal.Instant.from(to)) < 0) {
      const result = await harvestAt(now, args, env);
      assert.equal(result.exitCode, 0);
      runs++;
      // Arrivals until the next run, none past its "now".
      const next = now.add({ minutes: 7 });
      for (let s = 20; s < 7 * 60; s += 20) {
        f.sim.appendActions(2, { created: now.add({ seconds: s }) });
      }
      now = next;
    }
    const result = await harvestAt(now, args, env);
    assert.equal(result.exitCode, 0);
    assert.ok(runs >= 9, `${runs} runs`);
    const { ids } = await fileIds(output);
    const expected = f.sim.actions().filter((a) =>
      Temporal.Instant.compare(a.created, begin.subtract({ minutes: 15 })) >= 0
    ).map((a) => a.id);
    assert.deepEqual(tally(ids, expected), exact);
  });
}

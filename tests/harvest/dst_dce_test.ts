/**
 * Issue 12 on the DCE flavor in America/New_York: backfills and cron runs
 * through the repeated fall-back hour and the spring-forward gap. Cron runs
 * go in process so their "now" can be set; each window ends at now, with no
 * action past it yet (arrivals are appended between runs).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileIds, openFixture, tally } from "./_delivery_fixture.ts";
import { harvestAt } from "../support/harvest_at.ts";

const exact = { missing: [], unexpected: [], duplicates: 0 };
/** Where the runs take place (the server zone is given by its flag). */
const localTimeZone = Temporal.Now.timeZoneId();

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
    // Without the command name: harvestAt() parses harvest's flags.
    const args = f.fileArgs(output, "-i", "15").slice(1);
    const env = { ...f.env, HOME: f.dir };
    let now = begin;
    let runs = 0;
    while (Temporal.Instant.compare(now, Temporal.Instant.from(to)) < 0) {
      const result = await harvestAt(now, args, env, { localTimeZone });
      assert.equal(result.exitCode, 0);
      runs++;
      // Arrivals until the next run, none past its "now".
      const next = now.add({ minutes: 7 });
      for (let s = 20; s < 7 * 60; s += 20) {
        f.sim.appendActions(2, { created: now.add({ seconds: s }) });
      }
      now = next;
    }
    const result = await harvestAt(now, args, env, { localTimeZone });
    assert.equal(result.exitCode, 0);
    assert.ok(runs >= 9, `${runs} runs`);
    const { ids } = await fileIds(output);
    const expected = f.sim.actions().filter((a) =>
      Temporal.Instant.compare(a.created, begin.subtract({ minutes: 15 })) >= 0
    ).map((a) => a.id);
    assert.deepEqual(tally(ids, expected), exact);
  });
}

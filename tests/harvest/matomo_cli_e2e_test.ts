/**
 * One end-to-end run of `harvest --source matomo` through the CLI as cron
 * runs it (`main()` in process, its own environment and working directory):
 * the token from `.env`, an Opencast 18+ simulator for the episodes beside
 * the Matomo one, records exact against the ground truth and never the token
 * in any output.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runMain } from "../support/run_main.ts";
import { expectedMatomoRecord } from "../support/expected_record.ts";
import { openMatomoFixture, truthBetween } from "./_matomo_fixture.ts";
import { formatStatus } from "../../src/status/format_status.ts";
import { readStatus } from "../../src/status/read_status.ts";

Deno.test("harvest --source matomo through the CLI, token in .env: enriched records exact for the window, the token nowhere", async () => {
  const spanEnd = Temporal.Instant.from("2024-11-04T12:00:00Z");
  await using f = await openMatomoFixture({
    spanEnd,
    actions: 800,
    episodes: 15,
    opencast: true,
    tokenAuth: "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  });
  await Deno.writeTextFile(
    join(f.dir, ".env"),
    `MATOMO_TOKEN_AUTH=${f.sim.tokenAuth}\nHARVEST_SOURCE=matomo\n`,
  );
  const start = spanEnd.subtract({ minutes: 90 });
  const end = spanEnd.subtract({ minutes: 10 });
  const output = join(f.dir, "actions.jsonl");
  const { MATOMO_TOKEN_AUTH: _, ...env } = f.env;
  const result = await runMain([
    "harvest",
    ...f.backfillArgs(
      start.toString(),
      end.toString(),
      output,
      "--update-last-ts",
      "--metrics-file",
      join(f.dir, "ua_harvest.prom"),
      "--log-level",
      "debug",
    ).filter((arg, i, all) => arg !== "--source" && all[i - 1] !== "--source"),
  ], { env, cwd: f.dir });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /Matomo site 1 "Lecture videos" in Europe\/Berlin at 127\.0\.0\.1:\d+: episodes from custom dimension 1 "Video ID"/,
  );
  const episodes = new Map(f.opencast!.episodes().map((e) => [e.id, e]));
  const expected = truthBetween(f.sim, start, end).map((action) =>
    expectedMatomoRecord(action, episodes.get(action.mediapackageId))
  );
  const records = (await Deno.readTextFile(output)).trim().split("\n").map(
    (line) => JSON.parse(line),
  );
  const sort = (list: Record<string, unknown>[]) =>
    [...list].sort((a, b) => (a.action_id as number) - (b.action_id as number));
  assert.ok(expected.length > 100);
  assert.deepEqual(sort(records), sort(expected));
  const checkpoint = await Deno.readTextFile(join(f.dir, "checkpoint.json"));
  for (const text of [result.stdout, result.stderr, checkpoint]) {
    assert.ok(!text.includes(f.sim.tokenAuth), "the token is never written");
  }
  assert.match(checkpoint, /"source":"matomo"/);
  // The run is recorded and measured as Matomo's, and status reads it.
  assert.match(
    await Deno.readTextFile(join(f.dir, "ua_harvest.prom")),
    /ua_harvest_build_info\{[^}]*opencast_variant="matomo"[^}]*\} 1/,
  );
  const status = formatStatus(
    await readStatus({
      state: {
        checkpoint: { kind: "file", path: join(f.dir, "checkpoint.json") },
        lockFile: join(f.dir, "checkpoint.json.lock"),
      },
      aws: { region: "us-east-1", s3ForcePathStyle: false },
      zone: "UTC",
    }),
  );
  assert.match(status, /read to \S+, .* the next run reads again from \S+/);
  assert.match(status, /Last harvest ok, exit 0:/);
  assert.match(status, /, source Matomo$/m);
});

/**
 * Issue 13 item 6: the README walk-through, `simulate` then `load_episodes`
 * with its default `-c 1`, indexes episodes, because the simulator's default
 * data has episodes created within the last day.
 */
import assert from "node:assert/strict";
import { simulator } from "../support/simulator.ts";
import { loadEpisodesArgs } from "../support/load_episodes_args.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { runMain } from "../support/run_main.ts";

Deno.test("CLI load_episodes with the default -c 1 against a default simulator indexes the episodes of the last day", async () => {
  await using sim = await simulator();
  await using es = startElasticsearchFake();
  const result = await runMain(loadEpisodesArgs(sim, es));
  assert.equal(result.code, 0, result.stderr);
  const now = Temporal.Now.instant();
  const dayAgo = now.subtract({ hours: 24 });
  const recent = sim.episodes().filter((e) =>
    Temporal.Instant.compare(e.created, dayAgo) >= 0
  );
  assert.ok(recent.length > 0, "no episode of the last day");
  assert.deepEqual(
    [...es.documents("episodes").keys()].sort(),
    recent.map((e) => e.id).sort(),
  );
});

import assert from "node:assert/strict";
import { loadEpisodes } from "../../src/episodes/load_episodes.ts";
import { createOpencastEpisodeSource } from "../../src/episodes/opencast_episode_source.ts";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { startSimulator } from "../../src/simulate/start_simulator.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";

const SPAN_END = Temporal.Instant.from("2024-03-02T12:00:00Z");

Deno.test("loadEpisodes() against the simulator indexes every episode with its most recent publish workflow", async () => {
  await using sim = await startSimulator({
    port: 0,
    spanEnd: SPAN_END,
    episodes: 30,
    actions: 10,
    user: "opencast_system_account",
    password: "CHANGE_ME",
    quiet: true,
  });
  await using fake = startElasticsearchFake();
  const client = (host: string) =>
    new OpencastClient({
      host,
      user: "opencast_system_account",
      password: "CHANGE_ME",
    });
  const summary = await loadEpisodes({
    ...createOpencastEpisodeSource({
      engage: client(sim.url),
      admin: client(sim.url),
    }),
    elasticsearch: { host: fake.host },
    createdFromDaysAgo: 200,
    now: new Date(SPAN_END.epochMilliseconds),
    pageSize: 7,
    waitSeconds: 0,
  });

  const episodes = sim.episodes();
  const documents = fake.documents("episodes");
  assert.deepEqual(
    [...documents.keys()].sort(),
    episodes.map((episode) => episode.id).sort(),
  );
  assert.equal(summary.indexed, episodes.length);
  let withWorkflow = 0;
  for (const episode of episodes) {
    const document = documents.get(episode.id)!;
    const latest = sim.workflows()
      .filter((workflow) =>
        workflow.mediapackageId === episode.id &&
        workflow.state === "SUCCEEDED" &&
        workflow.template === "DCE-archive-publish-external"
      )
      .sort((a, b) => b.id - a.id)[0];
    if (latest === undefined) {
      assert.equal(document.live_stream, undefined, episode.id);
      continue;
    }
    withWorkflow += 1;
    const capture = latest.operations.find((op) => op.name === "capture");
    assert.equal(document.live_stream, capture ? 1 : 0, episode.id);
    if (capture?.started !== undefined) {
      assert.equal(
        Date.parse(document.live_start as string),
        capture.started,
        episode.id,
      );
    }
  }
  assert.equal(summary.workflowsMissing, episodes.length - withWorkflow);
  assert.ok(withWorkflow > 0, "the simulator made no publish workflows");
  assert.ok(
    [...documents.values()].some((document) => document.live_stream === 1),
    "the simulator made no live episodes",
  );
});

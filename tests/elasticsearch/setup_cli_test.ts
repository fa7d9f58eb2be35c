/**
 * `setup` and `harvest --output es` through the CLI (run by `main()`)
 * against the Elasticsearch fake with Basic auth. The
 * library-level behaviour is in run_setup_test.ts and
 * tests/sinks/elasticsearch_sink_test.ts; this checks the wiring: flags and
 * environment, what is printed, and what arrives where.
 */
import assert from "node:assert/strict";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { runMain } from "../support/run_main.ts";
import { simulator } from "../support/simulator.ts";

const ES_USER = "elastic";
const ES_PASSWORD = "es-Secret-pw";
const ES_ENV = {
  ELASTICSEARCH_USERNAME: ES_USER,
  ELASTICSEARCH_PASSWORD: ES_PASSWORD,
};

Deno.test("CLI setup installs both templates, and a second run prints unchanged for each and writes nothing", async () => {
  await using es = startElasticsearchFake({
    username: ES_USER,
    password: ES_PASSWORD,
  });
  const first = await runMain(["setup", "-e", es.host], { env: ES_ENV });
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(first.stdout.trim().split("\n"), [
    "created ua-harvest-episodes (episodes*)",
    "created ua-harvest-useractions (useractions-*)",
  ]);
  assert.deepEqual([...es.templates.keys()].sort(), [
    "ua-harvest-episodes",
    "ua-harvest-useractions",
  ]);
  const installed = structuredClone([...es.templates]);

  // The host from the environment this time, as cron would run it.
  const second = await runMain(["setup"], {
    env: { ...ES_ENV, ELASTICSEARCH_HOST: es.host },
  });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(second.stdout.trim().split("\n"), [
    "unchanged ua-harvest-episodes (episodes*)",
    "unchanged ua-harvest-useractions (useractions-*)",
  ]);
  assert.equal(es.requestCounts.get("PUT /_index_template/{name}"), 2);
  assert.deepEqual([...es.templates], installed);
  for (const run of [first, second]) {
    assert.ok(!run.stderr.includes(ES_PASSWORD), run.stderr);
  }
});

Deno.test("CLI setup with wrong Elasticsearch credentials exits 3 with one line and installs nothing", async () => {
  await using es = startElasticsearchFake({
    username: ES_USER,
    password: ES_PASSWORD,
  });
  const wrong = "not-the-es-pw";
  const result = await runMain(["setup", "-e", es.host], {
    env: { ELASTICSEARCH_USERNAME: ES_USER, ELASTICSEARCH_PASSWORD: wrong },
  });
  assert.equal(result.code, 3, result.stderr);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr.trim().split("\n").length, 1, result.stderr);
  assert.ok(!result.stderr.includes(wrong), result.stderr);
  assert.equal(es.templates.size, 0);
});

Deno.test("CLI harvest --output es indexes every action once into the daily index of its UTC date", async () => {
  // Two hours around UTC midnight: in the server zone (New York) it is all
  // one evening, so a daily index by local date would put everything in one.
  const spanEnd = Temporal.Instant.from("2024-03-02T00:30:00Z");
  await using sim = await simulator({
    actions: 3000,
    spanEnd,
    spanSeconds: 7200,
    timezone: "America/New_York",
    user: "u",
    password: "p",
  });
  await using es = startElasticsearchFake({
    username: ES_USER,
    password: ES_PASSWORD,
  });
  const stateDir = await Deno.makeTempDir({ prefix: "ua-harvest-es-" });
  try {
    const result = await runMain([
      "harvest",
      "-H",
      sim.url,
      "-u",
      "u",
      "-p",
      "p",
      "--server-timezone",
      "America/New_York",
      "-s",
      "2024-03-01T22:30:00Z",
      "-e",
      "2024-03-02T00:30:00Z",
      "-b",
      "500",
      "-w",
      "0",
      "--output",
      "es",
      "--es-host",
      es.host,
      "--state-file",
      `${stateDir}/checkpoint.json`,
      "--cache-file",
      `${stateDir}/episodes.sqlite`,
    ], { env: ES_ENV });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.ok(!result.stderr.includes(ES_PASSWORD), result.stderr);

    const actions = sim.actions();
    const expectedIndex = (created: Temporal.Instant) => {
      const date = created.toZonedDateTimeISO("UTC").toPlainDate();
      return `useractions-${date.toString().replaceAll("-", ".")}`;
    };
    const byIndex = new Map<string, number[]>();
    for (const action of actions) {
      const index = expectedIndex(action.created);
      byIndex.set(index, [...(byIndex.get(index) ?? []), action.id]);
    }
    assert.deepEqual([...byIndex.keys()].sort(), [
      "useractions-2024.03.01",
      "useractions-2024.03.02",
    ]);
    assert.deepEqual(es.indices(), [...byIndex.keys()].sort());
    for (const [index, ids] of byIndex) {
      const documents = es.documents(index);
      assert.deepEqual(
        [...documents.keys()].sort(),
        ids.map(String).sort(),
        index,
      );
      for (const [id, document] of documents) {
        assert.equal(String(document.action_id), id);
        assert.equal(
          expectedIndex(Temporal.Instant.from(
            document.timestamp as string,
          )),
          index,
        );
      }
    }
    // Once each: no page was sent twice.
    assert.equal(es.bulkAttempts.size, actions.length);
    for (const action of actions) {
      assert.equal(es.bulkAttempts.get(String(action.id)), 1, `${action.id}`);
    }
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

/**
 * `load_episodes` end to end through the CLI, run in process (`runMain`), against the simulator (a few hundred episodes, Digest auth) and
 * the Elasticsearch fake. This checks every field of every document against
 * the simulator's own data on every flavor, the alias and dash spellings,
 * exit codes, and what reaches stderr; load_episodes_e2e_test.ts checks
 * windows, ids and request counts across flavors.
 */
import assert from "node:assert/strict";
import {
  type SimEpisode,
  SIMULATOR_FLAVORS,
  type SimulatorFlavor,
  type SimWorkflow,
} from "../../src/simulate/start_simulator.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { runMain, startMain } from "../support/run_main.ts";
import { errorLines, fatalLines } from "../support/error_lines.ts";
import { simulator } from "../support/simulator.ts";
import { freePort } from "../support/free_port.ts";

const USER = "opencast_system_account";
const PASSWORD = "CHANGE_ME-episodes";
const EPISODES = 300;
const PUBLISH = "DCE-archive-publish-external";
/** Episodes are created up to 150 days before the simulator's span end (now). */
const DAYS = "200";

async function startSim(options: { flavor?: SimulatorFlavor } = {}) {
  return await simulator({
    ...options,
    episodes: EPISODES,
    actions: 10,
    user: USER,
    password: PASSWORD,
  });
}

/** The Opencast half of the command line (engage and admin are one simulator). */
function opencastArgs(url: string): string[] {
  return ["-E", url, "-A", url, "-u", USER, "-p", PASSWORD, "-w", "0"];
}

/** `load_episodes` of the simulator's last {@linkcode DAYS} days into `es` (a host). */
function loadAll(url: string, es: string, ...more: string[]): string[] {
  return ["load_episodes", ...opencastArgs(url), "-e", es, "-c", DAYS, ...more];
}

/** An instant the way record-schema.md §2 writes it: UTC with `+00:00`. */
const UTC_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

/**
 * Checks one indexed document against the simulator's raw episode and
 * workflows (record-schema.md §2), independently of the document builder.
 */
function checkDocument(
  document: Record<string, unknown>,
  episode: SimEpisode,
  workflows: readonly SimWorkflow[],
): void {
  const id = episode.id;
  assert.equal(document.mpid, id);
  assert.equal(document.title, episode.title, id);
  assert.equal(document.duration, episode.duration, id);
  if (episode.start === undefined) {
    assert.equal(document.start, undefined, id);
  } else {
    assert.match(document.start as string, UTC_ISO, id);
    assert.equal(
      Date.parse(document.start as string),
      episode.start.epochMilliseconds,
      id,
    );
  }
  // course is the series title whether or not there is a series (as §1).
  assert.equal(document.course, episode.seriesTitle, id);
  if (episode.series === undefined) {
    for (const key of ["series", "year", "term", "crn"]) {
      assert.equal(document[key], undefined, `${id} ${key}`);
    }
  } else {
    assert.equal(document.series, episode.series, id);
    assert.equal(document.year, episode.series.slice(0, 4), id);
    assert.equal(document.term, episode.series.slice(4, 6), id);
    assert.equal(document.crn, episode.series.slice(6, 11), id);
  }
  assert.equal(document.type, episode.dcType, id);
  assert.equal(document.description, episode.dcDescription, id);
  const firstOf = (type: string) =>
    episode.attachments.find((a) => a.type === type)?.url;
  assert.equal(
    document.presenter_still,
    firstOf("presenter/player+preview"),
    id,
  );
  assert.equal(
    document.presentation_still,
    firstOf("presentation/player+preview"),
    id,
  );
  const slides = episode.attachments
    .filter((a) =>
      a.type === "presentation/segment+preview" && a.ref.includes("time=")
    )
    .map((a) => ({ img: a.url, time: /time=([^;]+)/.exec(a.ref)![1] }));
  assert.deepEqual(document.slides, slides.length > 0 ? slides : undefined, id);

  const latest = workflows
    .filter((w) =>
      w.mediapackageId === id && w.state === "SUCCEEDED" &&
      w.template === PUBLISH
    )
    .sort((a, b) => b.id - a.id)[0];
  if (latest === undefined) {
    for (
      const key of [
        "live_stream",
        "live_start",
        "live_end",
        "live_duration",
        "available",
      ]
    ) {
      assert.equal(document[key], undefined, `${id} ${key}`);
    }
    return;
  }
  const capture = latest.operations.find((op) => op.name === "capture");
  assert.equal(document.live_stream, capture ? 1 : 0, id);
  assert.equal(document.live_stream === 1, episode.live, id);
  const time = (key: string, millis: number | undefined) => {
    if (millis === undefined) {
      assert.equal(document[key], undefined, `${id} ${key}`);
      return;
    }
    assert.match(document[key] as string, UTC_ISO, `${id} ${key}`);
    assert.equal(Date.parse(document[key] as string), millis, `${id} ${key}`);
  };
  time("live_start", capture?.started);
  time("live_end", capture?.completed);
  assert.equal(
    document.live_duration,
    capture?.started !== undefined && capture.completed !== undefined
      ? capture.completed - capture.started
      : undefined,
    id,
  );
  const retract = latest.operations.find((op) => op.name === "retract-element");
  time("available", retract?.completed);
}

Deno.test("CLI load_episodes indexes every episode the simulator shows once, on every flavor with no variant flag, with the fields of record-schema §2, and prints a summary", async (t) => {
  for (const flavor of SIMULATOR_FLAVORS) {
    await t.step(flavor, async () => {
      await using sim = await startSim({ flavor });
      await using es = startElasticsearchFake();
      const result = await runMain(loadAll(sim.url, es.host));
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(errorLines(result.stderr), []);

      assert.equal(sim.episodes().length, EPISODES);
      // Upstream never lists deleted episodes (README "Deleted episodes").
      const episodes = sim.episodes().filter((e) =>
        flavor === "dce" || e.deleted === undefined
      );
      assert.ok(
        flavor === "dce" || episodes.length < EPISODES,
        "the simulator deleted no episode",
      );
      const documents = es.documents("episodes");
      assert.deepEqual(
        [...documents.keys()].sort(),
        episodes.map((e) => e.id).sort(),
      );
      // Each episode sent once: no page repeated, none retried.
      for (const episode of episodes) {
        assert.equal(es.bulkAttempts.get(episode.id), 1, episode.id);
      }
      const workflows = sim.workflows();
      for (const episode of episodes) {
        checkDocument(documents.get(episode.id)!, episode, workflows);
      }
      // The data is varied enough for the checks above to mean something.
      const all = [...documents.values()];
      for (
        const key of [
          "live_start",
          "live_end",
          "available",
          "slides",
          "crn",
          "live_stream",
        ]
      ) {
        assert.ok(
          all.some((d) => d[key] !== undefined),
          `no document has ${key}`,
        );
      }
      assert.ok(all.some((d) => d.live_stream === 0), "no recorded episode");
      assert.ok(
        all.some((d) => d.live_stream === undefined),
        "all had workflows",
      );
      assert.ok(all.some((d) => d.series === undefined), "all had a series");

      const withWorkflow = episodes.filter((episode) =>
        workflows.some((w) =>
          w.mediapackageId === episode.id && w.state === "SUCCEEDED" &&
          w.template === PUBLISH
        )
      ).length;
      const summary = result.stderr.split("\n").find((line) =>
        line.includes("Episodes done:")
      );
      assert.ok(summary, `no summary line in:\n${result.stderr}`);
      const n = episodes.length;
      assert.match(
        summary,
        new RegExp(
          `${n} of ${n} indexed into episodes, ${
            n - withWorkflow
          } without workflow, 0 workflow lookups failed, 0 not found`,
        ),
      );
      assert.ok(!result.stderr.includes(PASSWORD));
    });
  }
});

Deno.test("CLI load-episodes (alias, dash spellings) indexes the rest and exits 7 naming a rejected document", async () => {
  await using sim = await startSim();
  const rejected = sim.episodes()[17]!.id;
  await using es = startElasticsearchFake({
    rejectIds: {
      [rejected]: "failed to parse field [duration] of type [long]",
    },
  });
  const result = await runMain([
    "load-episodes",
    "--engage-host",
    sim.url,
    "--admin-host",
    sim.url,
    "--user",
    USER,
    "--password",
    PASSWORD,
    "--wait",
    "0",
    "--es-host",
    es.host,
    "--es-index",
    "episodes-v2",
    "--created-from-days-ago",
    DAYS,
  ]);
  assert.equal(result.code, 7, result.stderr);
  const errors = errorLines(result.stderr);
  assert.ok(errors.length >= 1, result.stderr);
  const final = errors.at(-1)!;
  assert.ok(final.includes(rejected), final);
  assert.match(final, new RegExp(`did not accept 1 of ${EPISODES} episode`));
  assert.match(final, /failed to parse field \[duration\]/);

  const documents = es.documents("episodes-v2");
  assert.equal(documents.size, EPISODES - 1);
  assert.equal(documents.has(rejected), false);
  assert.deepEqual(es.indices(), ["episodes-v2"]);
});

Deno.test("CLI load_episodes with Elasticsearch unreachable exits 4 with one line before any Opencast request", async () => {
  await using sim = await startSim();
  // A port that was free a moment ago and has no listener now.
  const port = freePort();

  const result = await runMain(loadAll(sim.url, `127.0.0.1:${port}`));
  assert.equal(result.code, 4, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^ua-harvest: .* \(exit 4: /);
  assert.ok(lines[0]!.includes(`127.0.0.1:${port}`), lines[0]);
  assert.equal(sim.stats().requests, 0, "Opencast was asked before the check");
});

Deno.test("CLI load_episodes stopped by SIGINT mid-page exits 130 and overwrites no document with a partial one", async () => {
  await using sim = await startSim();
  await using es = startElasticsearchFake();
  const args = loadAll(sim.url, es.host);
  // An earlier, complete run (at full speed): every document has its
  // workflow fields.
  const first = await runMain(args);
  assert.equal(first.code, 0, first.stderr);
  const complete = structuredClone(es.documents("episodes"));
  assert.equal(complete.size, EPISODES);
  const lookups = sim.stats().workflowRequests;
  // One request per episode, plus the Digest challenges of the first few.
  const challenges = lookups - EPISODES;
  assert.ok(challenges >= 0 && challenges <= 8, `${lookups} workflow requests`);

  // Slow enough now that a page's 100 workflow lookups take about a second.
  sim.setLatency(40);
  const run = startMain(args);
  // Into the second page's lookups: the first page (100) is indexed.
  const deadline = Date.now() + 30_000;
  while (sim.stats().workflowRequests < lookups + challenges + 108) {
    assert.ok(Date.now() < deadline, "the second page's lookups never came");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  run.kill("SIGINT");
  const stopped = await run.done;
  const stderr = stopped.stderr;
  assert.equal(stopped.code, 130, stderr);
  // The stop is the run's last word, and not an error: a lookup cut short
  // is not reported as a failed lookup.
  assert.deepEqual(fatalLines(stderr), [
    "ua-harvest: Stopped by SIGINT (exit 130: stopped by SIGINT)",
  ]);
  assert.deepEqual(stderr.split("\n").filter((l) => l.includes("[ERR]")), []);

  // The first page went in again; the second, cut short, was not sent at all.
  const episodes = sim.episodes();
  const resent = episodes.filter((e) => es.bulkAttempts.get(e.id) === 2);
  assert.equal(resent.length, 100, stderr);
  assert.ok(
    sim.stats().workflowRequests < lookups + 200,
    "lookups went on after the page was cut short",
  );
  // Every document is still the complete one.
  assert.deepEqual(es.documents("episodes"), complete);
});

Deno.test("CLI load_episodes logs the search variant once; OPENCAST_API=upstream sends no DCE parameter, so deleted episodes stay out", async () => {
  await using sim = await startSim();
  await using es = startElasticsearchFake();
  const result = await runMain(loadAll(sim.url, es.host), {
    env: { OPENCAST_API: "upstream" },
  });
  assert.equal(result.code, 0, result.stderr);
  const detected = result.stderr.split("\n").filter((line) =>
    line.includes("Opencast search:")
  );
  assert.equal(detected.length, 1, result.stderr);
  assert.match(detected[0]!, /Solr era/);
  assert.match(detected[0]!, /not sent \(--opencast-api upstream\)/);
  // The simulator (the DCE fork) lists deleted episodes only when asked to.
  const live = sim.episodes().filter((episode) => !episode.deleted);
  assert.ok(live.length < EPISODES, "the simulator deleted no episode");
  assert.deepEqual(
    [...es.documents("episodes").keys()].sort(),
    live.map((episode) => episode.id).sort(),
  );
});

Deno.test("CLI load_episodes refuses an unknown --opencast-api before any request", async () => {
  await using sim = await startSim();
  const result = await runMain([
    "load_episodes",
    ...opencastArgs(sim.url),
    "-e",
    "127.0.0.1:1",
    "--opencast-api",
    "solr",
  ]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /opencast-api/);
  assert.equal(sim.stats().requests, 0);
});

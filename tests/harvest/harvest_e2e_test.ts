/**
 * End to end: the `harvest` command, run in process by `main()`, against
 * `simulate` with Digest auth, a real Redis, and the
 * loopback SQS and S3 fakes through the real AWS SDK clients. What arrived
 * downstream is counted by action id and compared with records built
 * independently from the simulator's data (tests/support/expected_record.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import type {
  SimAction,
  Simulator,
} from "../../src/simulate/start_simulator.ts";
import { runMain } from "../support/run_main.ts";
import { harvestEnv } from "../support/harvest_env.ts";
import { expectedRecord } from "../support/expected_record.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { type SqsFake, startSqsFake } from "../support/sqs_fake.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { simulator } from "../support/simulator.ts";

const ZONE = "America/New_York";
const USER = "harvester";
const PASSWORD = "digest-secret-42";
/** The Digest user and password, as `harvestEnv` takes them. */
const CREDENTIALS = { user: USER, password: PASSWORD };
/** The simulator's data ends here; 3000 actions over the two hours before. */
const SPAN_END = Temporal.Instant.from("2024-03-10T08:00:00Z");
/**
 * 01:30 EST to 03:30 EDT on the night clocks spring forward in New York:
 * two hours of wall clock, one hour of real time (06:30Z to 07:30Z).
 */
const WINDOW = {
  start: "20240310013000",
  end: "20240310033000",
  startUtc: Temporal.Instant.from("2024-03-10T06:30:00Z"),
  endUtc: Temporal.Instant.from("2024-03-10T07:30:00Z"),
};
const BATCH = 250;

function inWindow(
  actions: readonly SimAction[],
  start: Temporal.Instant,
  end: Temporal.Instant,
): SimAction[] {
  return actions.filter((a) =>
    Temporal.Instant.compare(a.created, start) >= 0 &&
    Temporal.Instant.compare(a.created, end) <= 0
  );
}

/** Records of a queue by action id; fails on a duplicate. */
function deliveredById(
  sqs: SqsFake,
  queue: string,
): Map<number, Record<string, unknown>> {
  const byId = new Map<number, Record<string, unknown>>();
  for (const message of sqs.messages(queue)) {
    const record = JSON.parse(message.body) as Record<string, unknown>;
    const id = record.action_id as number;
    assert.ok(!byId.has(id), `action ${id} was delivered twice to ${queue}`);
    byId.set(id, record);
  }
  return byId;
}

function sortedIds(actions: Iterable<{ id: number }> | Iterable<number>) {
  return [...actions].map((a) => typeof a === "number" ? a : a.id).sort((
    a,
    b,
  ) => a - b);
}

function distinctMediapackages(actions: readonly SimAction[]): Set<string> {
  return new Set(actions.map((a) => a.mediapackageId));
}

function assertExit(
  result: { code: number; stderr: string },
  code: number,
): void {
  assert.equal(result.code, code, `exit ${result.code}:\n${result.stderr}`);
}

function episodeOf(sim: Simulator, id: string) {
  return sim.episodes().find((episode) => episode.id === id);
}

Deno.test("harvest (CLI) against simulate, Redis, S3 and SQS", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-e2e-" });
  await using redis = await startRedisServer();
  await using sqs = await startSqsFake();
  await using s3 = await startS3Fake();
  await using sim = await simulator({
    seed: 12,
    actions: 3000,
    episodes: 40,
    spanEnd: SPAN_END,
    spanSeconds: 7200,
    timezone: ZONE,
    user: USER,
    password: PASSWORD,
  });
  const env = harvestEnv({
    home,
    engage: { url: sim.url, timezone: ZONE },
    ...CREDENTIALS,
    sqs,
    s3,
    redisUrl: redis.url,
    extra: {
      S3_HARVEST_TS_BUCKET: "ua-harvest-e2e",
      S3_LAST_ACTION_TS_KEY: "window/last-action-ts",
    },
  });
  /** The saved checkpoint: none while only backfills (--start) have run. */
  const savedCheckpoint = () =>
    s3.text("ua-harvest-e2e", "window/last-action-ts");
  const expected = inWindow(sim.actions(), WINDOW.startUtc, WINDOW.endUtc);
  const mediapackages = distinctMediapackages(expected);

  try {
    await t.step(
      "harvest delivers every action of a window to SQS exactly once, as record-schema.md §1 specifies",
      async () => {
        const result = await runMain([
          "harvest",
          "-s",
          WINDOW.start,
          "-e",
          WINDOW.end,
          "-b",
          String(BATCH),
          "-w",
          "0",
          "-q",
          "first-run",
        ], { env, cwd: home });
        assertExit(result, 0);
        assert.match(
          result.stderr,
          // Across the DST change: two wall-clock hours are one real hour.
          /Harvesting 2024-03-10 01:30:00 to 2024-03-10 03:30:00 America\/New_York \(2024-03-10T06:30:00Z to 2024-03-10T07:30:00Z\), start from flag/,
        );

        const delivered = deliveredById(sqs, "first-run");
        assert.deepEqual(sortedIds(delivered.keys()), sortedIds(expected));
        for (const action of expected) {
          assert.deepEqual(
            delivered.get(action.id),
            expectedRecord(action, episodeOf(sim, action.mediapackageId)),
            `record of action ${action.id}`,
          );
        }
        // The window must hold every shape the schema treats specially,
        // else the comparison above proves less than it seems to.
        const missing = new Set(sim.missingEpisodeIds());
        const shapes = {
          proxy1: expected.some((a) => a.userIp.split(",").length === 2),
          proxy2: expected.some((a) => a.userIp.split(",").length === 3),
          live: expected.some((a) => a.isPlaying === 2),
          paused: expected.some((a) => a.isPlaying === 0),
          missingEpisode: expected.some((a) => missing.has(a.mediapackageId)),
          noSeries: expected.some((a) => {
            const e = episodeOf(sim, a.mediapackageId);
            return e !== undefined && e.series === undefined;
          }),
          noStart: expected.some((a) =>
            episodeOf(sim, a.mediapackageId)?.start === undefined &&
            !missing.has(a.mediapackageId)
          ),
          noDuration: expected.some((a) => {
            const e = episodeOf(sim, a.mediapackageId);
            return e !== undefined && e.duration === undefined;
          }),
          deletedEpisode: expected.some((a) =>
            episodeOf(sim, a.mediapackageId)?.deleted !== undefined
          ),
          noCourse: expected.some((a) => {
            const e = episodeOf(sim, a.mediapackageId);
            return e?.series !== undefined && e.seriesTitle === undefined;
          }),
          numericTitle: expected.some((a) =>
            /^\d+$/.test(episodeOf(sim, a.mediapackageId)?.title ?? "")
          ),
          noUserId: expected.some((a) => a.userId === null),
          noUserAgent: expected.some((a) => a.userAgent === null),
          numericUserId: expected.some((a) =>
            /^[1-9]\d*$/.test(a.userId ?? "")
          ),
        };
        assert.deepEqual(
          Object.entries(shapes).filter(([, present]) => !present),
          [],
        );

        const stats = sim.stats();
        assert.equal(stats.episodeRequests, mediapackages.size);
        assert.deepEqual(
          Object.keys(stats.byEpisodeId).sort(),
          [...mediapackages].sort(),
        );
        assert.ok(Object.values(stats.byEpisodeId).every((n) => n === 1));
        // Pages until one is shorter than the limit, plus the variant
        // probe and Digest's first 401.
        assert.equal(
          stats.actionRequests,
          Math.floor(expected.length / BATCH) + 1 + 1 + stats.unauthorized,
        );
        assert.ok(expected.length / BATCH >= 4, "several pages");
        // An explicit --start is a backfill: the checkpoint stays put.
        assert.equal(savedCheckpoint(), undefined);
      },
    );

    await t.step(
      "harvest fetches no episode on a rerun over the same window (Redis cache), and logs JSON with a structured summary",
      async () => {
        sim.resetStats();
        const result = await runMain([
          "harvest",
          "--start",
          WINDOW.start,
          "--end",
          WINDOW.end,
          "--batch-size",
          String(BATCH),
          "--wait",
          "0",
          "--queue-name",
          "second-run",
          "--no-update-last-ts",
          "--log-format",
          "json",
        ], { env, cwd: home });
        assertExit(result, 0);
        assert.equal(sim.stats().episodeRequests, 0);
        assert.deepEqual(
          sortedIds(deliveredById(sqs, "second-run").keys()),
          sortedIds(expected),
        );

        const events = result.stderr.trimEnd().split("\n").map((line) => {
          const event = JSON.parse(line);
          assert.equal(typeof event, "object");
          assert.ok(event !== null && !Array.isArray(event), line);
          return event as {
            level: string;
            message: string;
            properties: Record<string, unknown>;
          };
        });
        const summary = events.find((e) => e.properties?.outcome === "done");
        assert.ok(summary, `no summary event in:\n${result.stderr}`);
        const p = summary.properties;
        assert.equal(p.actions, expected.length);
        assert.equal(p.pages, Math.floor(expected.length / BATCH) + 1);
        assert.equal(p.episodesFetched, 0);
        assert.equal(p.cacheHits, mediapackages.size);
        assert.equal(typeof p.seconds, "number");
        assert.equal(typeof p.actionsPerSecond, "number");
        assert.ok((p.actionsPerSecond as number) > 0);
        assert.equal(savedCheckpoint(), undefined);
      },
    );

    await t.step(
      "harvest starts at the original's bare S3 timestamp, and the next run delivers only the actions appended since",
      async () => {
        const bucket = "ua-harvest-cron";
        const key = "last-action-ts";
        // The original stored the wall-clock second in the server zone.
        s3.put(bucket, key, "20240310013000");
        const cronEnv = {
          ...env,
          S3_HARVEST_TS_BUCKET: bucket,
          S3_LAST_ACTION_TS_KEY: key,
        };
        const first = await runMain(
          [
            "harvest",
            "-e",
            "20240310040000",
            "-b",
            "500",
            "-w",
            "0",
            "-q",
            "cron-1",
          ],
          { env: cronEnv, cwd: home },
        );
        assertExit(first, 0);
        assert.match(
          first.stderr,
          / \(2024-03-10T06:30:00Z to 2024-03-10T08:00:00Z\), start from checkpoint/,
        );
        const firstExpected = inWindow(
          sim.actions(),
          WINDOW.startUtc,
          SPAN_END,
        );
        assert.deepEqual(
          sortedIds(deliveredById(sqs, "cron-1").keys()),
          sortedIds(firstExpected),
        );
        const newest = firstExpected.reduce(
          (max, a) =>
            Temporal.Instant.compare(a.created, max) > 0 ? a.created : max,
          firstExpected[0]!.created,
        );
        const saved = JSON.parse(s3.text(bucket, key)!);
        assert.equal(saved.timestamp, newest.toString());
        assert.deepEqual(
          saved.ids,
          sortedIds(firstExpected.filter((a) => a.created.equals(newest))),
        );

        const appended = sim.appendActions(40, {
          created: SPAN_END.add({ seconds: 30 }),
        });
        const second = await runMain(
          [
            "harvest",
            "-e",
            "20240310040100",
            "-b",
            "500",
            "-w",
            "0",
            "-q",
            "cron-2",
          ],
          { env: cronEnv, cwd: home },
        );
        assertExit(second, 0);
        assert.match(second.stderr, /start from checkpoint/);
        assert.deepEqual(
          sortedIds(deliveredById(sqs, "cron-2").keys()),
          sortedIds(appended),
        );
        const moved = JSON.parse(s3.text(bucket, key)!);
        assert.equal(moved.timestamp, "2024-03-10T08:00:30Z");
        assert.deepEqual(moved.ids, sortedIds(appended));
      },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("harvest with the embedded SQLite cache fetches episodes on the first run only", async () => {
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-e2e-" });
  try {
    await using sim = await simulator({
      seed: 13,
      actions: 1200,
      episodes: 30,
      spanEnd: SPAN_END,
      spanSeconds: 3600,
      timezone: ZONE,
      ...CREDENTIALS,
    });
    const env = harvestEnv({
      home,
      engage: { url: sim.url, timezone: ZONE },
      user: USER,
      password: PASSWORD,
    });
    const cacheFile = `${home}/episodes.sqlite`;
    const args = [
      "harvest",
      "-s",
      "20240310030000",
      "-e",
      "20240310040000",
      "-b",
      "300",
      "-w",
      "0",
      "--output",
      "-",
      "--cache-file",
      cacheFile,
    ];
    const expected = inWindow(
      sim.actions(),
      SPAN_END.subtract({ hours: 1 }),
      SPAN_END,
    );
    for (const run of [1, 2]) {
      sim.resetStats();
      const result = await runMain(args, { env, cwd: home });
      assertExit(result, 0);
      const ids = result.stdout.trimEnd().split("\n").map((line) =>
        JSON.parse(line).action_id as number
      );
      assert.equal(new Set(ids).size, ids.length, `run ${run}: duplicates`);
      assert.deepEqual(sortedIds(ids), sortedIds(expected), `run ${run}`);
      assert.equal(
        sim.stats().episodeRequests,
        run === 1 ? distinctMediapackages(expected).size : 0,
        `episode requests in run ${run}`,
      );
    }
    assert.ok((await Deno.stat(cacheFile)).isFile);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

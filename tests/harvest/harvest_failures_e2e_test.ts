/**
 * End to end, the failure paths of `harvest`: an engage node answering 503
 * for a while, SQS rejecting entries, an episode that cannot be fetched,
 * Redis down, and bad settings. The CLI runs in process (`main()`) against
 * `simulate`, a real Redis and the loopback SQS and S3 fakes; what arrived is
 * counted by action id.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  type SimAction,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulate/start_simulator.ts";
import { runMain } from "../support/run_main.ts";
import { harvestEnv } from "../support/harvest_env.ts";
import { startRedisServer } from "../support/redis_server.ts";
import { type SqsFake, startSqsFake } from "../support/sqs_fake.ts";
import { startS3Fake } from "../support/s3_fake.ts";

const ZONE = "America/New_York";
const USER = "harvester";
const PASSWORD = "digest-secret-42";
const SPAN_END = Temporal.Instant.from("2024-06-04T16:00:00Z");
/** The whole simulated span: 11:00 to 12:00 EDT. */
const START = "20240604110000";
const END = "20240604120000";

function simulatorOptions(seed: number): SimulatorOptions {
  return {
    port: 0,
    seed,
    actions: 1200,
    episodes: 30,
    spanEnd: SPAN_END,
    spanSeconds: 3600,
    timezone: ZONE,
    user: USER,
    password: PASSWORD,
    quiet: true,
  };
}

/** Action ids in a queue, sorted; fails on a duplicate. */
function deliveredIds(sqs: SqsFake, queue: string): number[] {
  const ids = sqs.messages(queue).map((m) =>
    JSON.parse(m.body).action_id as number
  );
  assert.equal(new Set(ids).size, ids.length, `duplicates in ${queue}`);
  return ids.sort((a, b) => a - b);
}

function idsOf(actions: readonly SimAction[]): number[] {
  return actions.map((a) => a.id).sort((a, b) => a - b);
}

function assertExit(
  result: { code: number; stderr: string },
  code: number,
): void {
  assert.equal(result.code, code, `exit ${result.code}:\n${result.stderr}`);
}

Deno.test("harvest (CLI) failure paths against simulate, Redis, S3 and SQS", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-fail-" });
  await using redis = await startRedisServer();
  await using sqs = await startSqsFake();
  await using s3 = await startS3Fake();
  const envFor = (url: string, extra: Record<string, string> = {}) =>
    harvestEnv({
      home,
      engage: { url, timezone: ZONE },
      user: USER,
      password: PASSWORD,
      sqs,
      s3,
      redisUrl: redis.url,
      extra,
    });
  const window = ["-s", START, "-e", END, "-w", "0"];

  try {
    await t.step(
      "harvest retries an engage node answering 503 for a while and delivers everything",
      async () => {
        await using sim = await startSimulator(simulatorOptions(21));
        const expected = sim.actions();
        const pages = Math.floor(expected.length / 200) + 1;
        const mediapackages = new Set(expected.map((a) => a.mediapackageId));
        sim.failNext("/usertracking", 2);
        sim.failNext("/search", 2);
        const result = await runMain(
          ["harvest", ...window, "-b", "200", "-q", "after-503"],
          { env: envFor(sim.url), cwd: home },
        );
        assertExit(result, 0);
        assert.deepEqual(deliveredIds(sqs, "after-503"), idsOf(expected));
        // The two refused requests of each kind were asked again.
        const stats = sim.stats();
        // Plus the variant probe at the start of the run.
        assert.equal(
          stats.actionRequests,
          pages + 1 + 2 + stats.unauthorized,
        );
        assert.equal(stats.episodeRequests, mediapackages.size + 2);
      },
    );

    await t.step(
      "harvest resends the entries SQS rejected and loses nothing",
      async () => {
        await using sim = await startSimulator(simulatorOptions(22));
        const expected = sim.actions();
        const before = sqs.batches.length;
        sqs.rejectNext(7);
        const result = await runMain(
          ["harvest", ...window, "-b", "300", "-q", "after-reject"],
          { env: envFor(sim.url), cwd: home },
        );
        assertExit(result, 0);
        assert.deepEqual(deliveredIds(sqs, "after-reject"), idsOf(expected));
        const sent = sqs.batches.slice(before).reduce(
          (n, batch) => n + batch.ids.length,
          0,
        );
        assert.equal(sent, expected.length + 7, "the 7 rejected were resent");
      },
    );

    await t.step(
      "harvest delivers nothing from the action whose episode cannot be fetched on, keeps the checkpoint at what it delivered and exits 4; the rerun delivers the rest once",
      async () => {
        const batch = 200;
        const bucket = "ua-harvest-failing";
        const key = "last-action-ts";
        s3.put(bucket, key, START);
        const env = (url: string) =>
          envFor(url, {
            S3_HARVEST_TS_BUCKET: bucket,
            S3_LAST_ACTION_TS_KEY: key,
          });
        const args = [
          "harvest",
          "-e",
          END,
          "-w",
          "0",
          "-b",
          String(batch),
          "--max-attempts",
          "2",
          "-q",
          "failing-episode",
        ];
        const expected = await (async () => {
          await using probe = await startSimulator(simulatorOptions(23));
          return probe.actions();
        })();
        // Pages are the window in (created, id) order, `batch` at a time.
        const page1 = expected.slice(0, batch);
        const page3 = expected.slice(2 * batch, 3 * batch);
        const seenBefore = new Set(
          expected.slice(0, 2 * batch).map((a) => a.mediapackageId),
        );
        const failing = page3.find((a) => !seenBefore.has(a.mediapackageId))
          ?.mediapackageId;
        assert.ok(failing, "a mediapackage first seen on page 3");
        // A page goes out in parts as its episodes become known (issue 22):
        // the pages before go out whole, and of page 3 at most the actions
        // before the failing episode's first one.
        const firstFailing = 2 * batch +
          page3.findIndex((a) => a.mediapackageId === failing);

        {
          await using sim = await startSimulator(simulatorOptions(23));
          sim.failEpisode(failing);
          const result = await runMain(args, { env: env(sim.url), cwd: home });
          assertExit(result, 4);
          assert.match(result.stderr, /search\/episode\.json/);
          assert.match(
            result.stderr,
            new RegExp(`Episode ${failing}`),
            "the error names the episode",
          );
          const sent = deliveredIds(sqs, "failing-episode").length;
          assert.match(
            result.stderr,
            new RegExp(
              `Harvest failed: ${sent} actions in ${
                sent > 2 * batch ? 3 : 2
              } pages, ${3 * batch - sent} failed`,
            ),
            "the summary of a failed run counts what it delivered",
          );
          assert.ok(sim.stats().byEpisodeId[failing]! >= 2, "retried");
        }
        const sent = deliveredIds(sqs, "failing-episode");
        assert.ok(
          sent.length >= 2 * batch && sent.length <= firstFailing,
          `delivered ${sent.length}: pages 1 and 2 whole, nothing from action ${firstFailing} on`,
        );
        const delivered = expected.slice(0, sent.length);
        assert.deepEqual(sent, idsOf(delivered), "in order, none skipped");
        const newest = delivered.at(-1)!.created;
        assert.ok(
          Temporal.Instant.compare(newest, page1.at(-1)!.created) >= 0,
        );
        const saved = JSON.parse(s3.text(bucket, key)!);
        assert.equal(saved.timestamp, newest.toString());
        assert.deepEqual(
          saved.ids,
          idsOf(delivered.filter((a) => a.created.equals(newest))),
        );

        // Same data, no failure: the next run picks up where the last stopped.
        await using healed = await startSimulator(simulatorOptions(23));
        const rerun = await runMain(args, { env: env(healed.url), cwd: home });
        assertExit(rerun, 0);
        assert.deepEqual(deliveredIds(sqs, "failing-episode"), idsOf(expected));
      },
    );

    await t.step(
      "harvest goes on uncached with exactly one warning when Redis is down",
      async () => {
        await using sim = await startSimulator(simulatorOptions(24));
        const expected = sim.actions();
        await using down = await startRedisServer();
        await down.stop();
        const result = await runMain(
          ["harvest", ...window, "-b", "400", "-q", "redis-down"],
          {
            env: { ...envFor(sim.url), REDIS_URL: down.url },
            cwd: home,
          },
        );
        assertExit(result, 0);
        assert.deepEqual(deliveredIds(sqs, "redis-down"), idsOf(expected));
        const warnings = result.stderr.split("\n").filter((line) =>
          line.includes("[WRN]")
        );
        // Missing episodes warn too; those are not about Redis.
        const redisWarnings = warnings.filter((l) => /redis/i.test(l));
        assert.equal(redisWarnings.length, 1, result.stderr);
        assert.equal(
          warnings.length - redisWarnings.length,
          new Set(
            expected.map((a) => a.mediapackageId).filter((id) =>
              sim.missingEpisodeIds().includes(id)
            ),
          ).size,
          result.stderr,
        );
      },
    );

    await t.step(
      "harvest exits 2 with one line and sends nothing on bad settings",
      async () => {
        await using sim = await startSimulator(simulatorOptions(25));
        const base = envFor(sim.url, {
          SQS_QUEUE_NAME: "never",
          S3_HARVEST_TS_BUCKET: "ua-harvest-never",
          S3_LAST_ACTION_TS_KEY: "never",
        });
        const badDotEnv = await Deno.makeTempDir({ dir: home });
        await Deno.writeTextFile(
          `${badDotEnv}/.env`,
          "# settings\nDEFAULT_INTERVAL=abc\n",
        );
        const { MATTERHORN_ENGAGE_HOST: _, ...noHost } = base;
        const { S3_LAST_ACTION_TS_KEY: __, ...noKey } = base;
        const cases: {
          name: string;
          args: string[];
          env?: Record<string, string>;
          cwd?: string;
          message: RegExp;
        }[] = [
          {
            name: "--output bogus",
            args: ["-o", "bogus"],
            message: /bogus/,
          },
          { name: "-b 0", args: ["-b", "0"], message: /batch-size/ },
          { name: "-w abc", args: ["-w", "abc"], message: /wait/ },
          {
            name: "DEFAULT_INTERVAL=abc in .env",
            args: [],
            cwd: badDotEnv,
            message: /interval|DEFAULT_INTERVAL/,
          },
          {
            name: "--start after --end",
            args: ["-s", END, "-e", START],
            message: /before the start/,
          },
          {
            name: "malformed --start",
            args: ["-s", "2024-06-04 11:00"],
            message: /--start/,
          },
          {
            name: "--start in the future",
            args: ["-s", "20990101000000"],
            message: /future/,
          },
          {
            name: "--end in the future",
            args: ["-e", "20990101000000"],
            message: /--end .*future/,
          },
          {
            name: "malformed --end",
            args: ["-e", "20240231000000"],
            message: /--end/,
          },
          {
            name: "no MATTERHORN_ENGAGE_HOST",
            args: [],
            env: noHost,
            message: /MATTERHORN_ENGAGE_HOST/,
          },
          {
            name: "S3 bucket without key",
            args: [],
            env: noKey,
            message: /S3_LAST_ACTION_TS_KEY/,
          },
          {
            name: "--output sqs without a queue",
            args: ["-o", "sqs", "-q", "-"],
            message: /queue/,
          },
        ];
        const sqsBefore = JSON.stringify(sqs.requests);
        const s3Before = JSON.stringify(s3.requests);
        for (const c of cases) {
          const result = await runMain(["harvest", ...c.args], {
            env: c.env ?? base,
            cwd: c.cwd ?? home,
          });
          assert.equal(result.code, 2, `${c.name}: ${result.stderr}`);
          const lines = result.stderr.trimEnd().split("\n");
          assert.equal(lines.length, 1, `${c.name}: ${result.stderr}`);
          assert.match(lines[0]!, c.message, c.name);
          assert.equal(result.stdout, "", c.name);
        }
        assert.equal(sim.stats().requests, 0);
        assert.equal(JSON.stringify(sqs.requests), sqsBefore);
        assert.ok(!sqs.hasQueue("never"));
        assert.equal(JSON.stringify(s3.requests), s3Before);
        assert.ok(!s3.buckets.has("ua-harvest-never"));
      },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

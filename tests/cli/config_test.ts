/**
 * Configuration as the user meets it, through the CLI run by `main()`:
 * precedence (flag > real environment > `.env` in the working directory >
 * default), `--env-file`, malformed `.env` lines, both option spellings,
 * `-q -`, and that the Opencast password never reaches a log line.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { CliResult } from "../support/run_cli.ts";
import { runMain } from "../support/run_main.ts";
import { harvestEnv } from "../support/harvest_env.ts";
import { startSqsFake } from "../support/sqs_fake.ts";
import { simulator } from "../support/simulator.ts";

const ZONE = "America/New_York";
const USER = "config-user";
const PASSWORD = "c0nfig-Pa55word-9f3e";
/** The Digest user and password, as `harvestEnv` takes them. */
const CREDENTIALS = { user: USER, password: PASSWORD };

/** The window the run announced, as UTC instants. */
function announcedWindow(result: CliResult) {
  const match = /Harvesting .*?(\d{4}-\d\d-\d\dT\S+Z) to (\S+Z)[),]/.exec(
    result.stderr,
  );
  assert.ok(match, `no window line in:\n${result.stderr}`);
  return {
    start: Temporal.Instant.from(match[1]!),
    end: Temporal.Instant.from(match[2]!),
  };
}

/** The window length in minutes, from the line that announces it. */
function announcedMinutes(result: CliResult): number {
  const { start, end } = announcedWindow(result);
  return start.until(end).total("minutes");
}

function assertExit(result: CliResult, code: number): void {
  assert.equal(result.code, code, `exit ${result.code}:\n${result.stderr}`);
}

Deno.test("harvest configuration through the CLI", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-config-" });
  await using sim = await simulator({
    seed: 31,
    actions: 300,
    episodes: 10,
    timezone: ZONE,
    user: USER,
    password: PASSWORD,
  });
  await using sqs = await startSqsFake();
  // No engage host or credentials: each step says where they come from.
  const bare = harvestEnv({ home, sqs, extra: { OPENCAST_TIMEZONE: ZONE } });
  const full = harvestEnv({
    home,
    engage: { url: sim.url, timezone: ZONE },
    ...CREDENTIALS,
    sqs,
  });
  const dir = async (name: string, dotEnv?: string) => {
    const path = join(home, name);
    await Deno.mkdir(path);
    if (dotEnv !== undefined) {
      await Deno.writeTextFile(join(path, ".env"), dotEnv);
    }
    return path;
  };
  // A harvest of the last --interval minutes that leaves no checkpoint.
  const harvest = ["harvest", "-o", "-", "-w", "0", "--no-update-last-ts"];

  try {
    await t.step(
      "harvest takes DEFAULT_INTERVAL from the flag, then the environment, then .env, then the default",
      async () => {
        const withDotEnv = await dir(
          "precedence",
          [
            "# the original's .env",
            `MATTERHORN_ENGAGE_HOST=${sim.url}`,
            `MATTERHORN_REST_USER=${USER}`,
            `MATTERHORN_REST_PASS="${PASSWORD}"`,
            "DEFAULT_INTERVAL=5",
            "",
          ].join("\n"),
        );
        const plain = await dir("no-dotenv");
        const runs: [
          string,
          string[],
          Record<string, string>,
          string,
          number,
        ][] = [
          ["default", [], full, plain, 2],
          [".env", [], bare, withDotEnv, 5],
          [
            "environment",
            [],
            { ...bare, DEFAULT_INTERVAL: "7" },
            withDotEnv,
            7,
          ],
          [
            "flag",
            ["-i", "9"],
            {
              ...bare,
              DEFAULT_INTERVAL: "7",
            },
            withDotEnv,
            9,
          ],
        ];
        for (const [source, args, env, cwd, minutes] of runs) {
          const result = await runMain([...harvest, ...args], { env, cwd });
          assertExit(result, 0);
          assert.equal(announcedMinutes(result), minutes, source);
        }
      },
    );

    await t.step(
      "harvest --env-file reads only that file, not the .env in the working directory",
      async () => {
        const cwd = await dir(
          "env-file",
          `DEFAULT_INTERVAL=5\nMATTERHORN_ENGAGE_HOST=http://127.0.0.1:9\n`,
        );
        const settings = join(home, "settings.env");
        await Deno.writeTextFile(
          settings,
          `MATTERHORN_ENGAGE_HOST=${sim.url}\nMATTERHORN_REST_USER=${USER}\nMATTERHORN_REST_PASS=${PASSWORD}\n`,
        );
        const result = await runMain([...harvest, "--env-file", settings], {
          env: bare,
          cwd,
        });
        assertExit(result, 0);
        assert.equal(announcedMinutes(result), 2);
      },
    );

    await t.step(
      "harvest exits 2 naming the file and line of a malformed .env line",
      async () => {
        const cwd = await dir(
          "malformed",
          "# settings\nDEFAULT_INTERVAL=3\nthis is not a setting\n",
        );
        const requests = sim.stats().requests;
        const result = await runMain(harvest, { env: full, cwd });
        assertExit(result, 2);
        const lines = result.stderr.trimEnd().split("\n");
        assert.equal(lines.length, 1, result.stderr);
        assert.ok(lines[0]!.includes(join(cwd, ".env")), lines[0]);
        assert.match(lines[0]!, /line 3\b/);
        assert.equal(sim.stats().requests, requests);
      },
    );

    await t.step(
      "harvest accepts --engage_host and --engage-host, --queue-name and --queue_name",
      async () => {
        const cwd = await dir("spellings");
        const spellings = [
          ["--engage_host", "--queue-name", "dash-queue"],
          ["--engage-host", "--queue_name", "underscore-queue"],
        ];
        for (const [host, queue, name] of spellings) {
          const requests = sim.stats().requests;
          const result = await runMain(
            [
              "harvest",
              host!,
              sim.url,
              queue!,
              name!,
              "-w",
              "0",
              "--state-file",
              join(cwd, `${name}.json`),
            ],
            {
              env: {
                ...bare,
                MATTERHORN_REST_USER: USER,
                MATTERHORN_REST_PASS: PASSWORD,
              },
              cwd,
            },
          );
          assertExit(result, 0);
          assert.ok(
            sim.stats().requests > requests,
            `${host} reached the simulator`,
          );
          assert.ok(sqs.hasQueue(name!), `${queue} named the queue`);
        }
      },
    );

    await t.step(
      "harvest -q - writes the records to stdout even with SQS_QUEUE_NAME set",
      async () => {
        const cwd = await dir("stdout");
        const before = JSON.stringify(sqs.requests);
        const result = await runMain(
          // A fresh checkpoint: the window is the last 2 minutes.
          [
            "harvest",
            "-q",
            "-",
            "-w",
            "0",
            "--state-file",
            join(cwd, "state.json"),
          ],
          { env: { ...full, SQS_QUEUE_NAME: "from-env" }, cwd },
        );
        assertExit(result, 0);
        const { start, end } = announcedWindow(result);
        const second = (i: Temporal.Instant) =>
          i.round({ smallestUnit: "second", roundingMode: "floor" });
        const expected = sim.actions().filter((a) =>
          Temporal.Instant.compare(a.created, second(start)) >= 0 &&
          Temporal.Instant.compare(a.created, second(end)) <= 0
        ).map((a) => a.id).sort((a, b) => a - b);
        assert.ok(expected.length > 0, "the window holds actions");
        const ids = result.stdout.trimEnd().split("\n").map((line) =>
          JSON.parse(line).action_id as number
        ).sort((a, b) => a - b);
        assert.deepEqual(ids, expected);
        assert.equal(JSON.stringify(sqs.requests), before);
        assert.ok(!sqs.hasQueue("from-env"));
      },
    );

    await t.step(
      "harvest never writes the password, even at debug level with failing auth",
      async () => {
        const cwd = await dir("secret");
        const wrong = "Wr0ng-Pa55-7d1c-e2a9";
        const runs: [string, string[], Record<string, string>][] = [
          ["flag", ["-u", USER, "-p", wrong], bare],
          ["environment", [], {
            ...bare,
            MATTERHORN_REST_USER: USER,
            MATTERHORN_REST_PASS: wrong,
          }],
        ];
        for (const [source, args, env] of runs) {
          const result = await runMain(
            [
              "harvest",
              "-H",
              sim.url,
              ...args,
              "-o",
              "-",
              "--log-level",
              "debug",
            ],
            { env, cwd },
          );
          assertExit(result, 3);
          assert.match(result.stderr, /\[DBG\]/, `${source}: debug is on`);
          assert.match(result.stderr, new RegExp(USER), source);
          assert.ok(
            !result.stderr.includes(wrong),
            `${source}:\n${result.stderr}`,
          );
          assert.ok(!result.stdout.includes(wrong), source);
        }
      },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

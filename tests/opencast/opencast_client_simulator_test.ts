/**
 * The real client against the real simulator on loopback, with Digest auth:
 * in-process (OpencastClient + fetchActions) and as the README's walk-through
 * does it (`simulate` as a subprocess, `harvest` run by `main()`).
 */
import assert from "node:assert/strict";
import { AuthenticationError } from "../../src/errors.ts";
import { fetchActions } from "../../src/opencast/fetch_actions.ts";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { formatCompactTimestamp } from "../../src/opencast/opencast_time.ts";
import { spawnCli } from "../support/run_cli.ts";
import { runMain } from "../support/run_main.ts";
import { assertOneErrorLine } from "../support/error_lines.ts";
import { simulator } from "../support/simulator.ts";
import { firstLine } from "../support/first_line.ts";

const USER = "opencast_system_account";
const PASSWORD = "s3cret-Digest-pw";
const SPAN_END = Temporal.Instant.from("2024-03-02T12:00:00Z");
const SPAN_SECONDS = 3600;
const ACTIONS = 5000;
/** Not a divisor of ACTIONS, so the last page is short. */
const LIMIT = 700;

async function startSim() {
  return await simulator({
    actions: ACTIONS,
    spanEnd: SPAN_END,
    spanSeconds: SPAN_SECONDS,
    user: USER,
    password: PASSWORD,
  });
}

/** The whole generated span as the DCE `start`/`end` parameters. */
function spanWindow(zone: string) {
  return {
    start: formatCompactTimestamp(
      SPAN_END.subtract({ seconds: SPAN_SECONDS }),
      zone,
    ),
    end: formatCompactTimestamp(SPAN_END, zone),
  };
}

Deno.test("OpencastClient pages through 5000 simulator actions with Digest auth, each id once, answering one challenge", async () => {
  await using sim = await startSim();
  const client = new OpencastClient({
    host: sim.url,
    user: USER,
    password: PASSWORD,
    nodeLabel: "engage",
  });
  const window = spanWindow(sim.timezone);
  const counts = new Map<number, number>();
  let pages = 0;
  let total = -1;
  for (let offset = 0;; offset += LIMIT) {
    const page = await fetchActions(client, {
      ...window,
      limit: LIMIT,
      offset,
    });
    pages++;
    if (total < 0) total = page.total;
    for (const action of page.actions) {
      counts.set(action.id, (counts.get(action.id) ?? 0) + 1);
    }
    if (page.actions.length < LIMIT) break;
  }

  const expected = sim.actions().map((action) => action.id).sort((a, b) =>
    a - b
  );
  assert.equal(expected.length, ACTIONS);
  assert.equal(total, ACTIONS);
  assert.equal(pages, Math.ceil(ACTIONS / LIMIT));
  assert.deepEqual([...counts.keys()].sort((a, b) => a - b), expected);
  const repeated = [...counts].filter(([, n]) => n !== 1);
  assert.deepEqual(repeated, [], "ids delivered more than once");
  // The nonce is kept and reused with a rising nc: one challenge for the run,
  // not one per page (two would allow one stale renewal).
  assert.ok(
    client.stats.authChallenges <= 2,
    `challenges: ${client.stats.authChallenges}`,
  );
  assert.ok(
    sim.stats().unauthorized <= 2,
    `401s: ${sim.stats().unauthorized}`,
  );
  assert.equal(client.stats.retries, 0);
  assert.equal(
    client.stats.requests,
    pages + client.stats.authChallenges,
    "every request but the challenged ones fetched a page",
  );
  assert.equal(sim.stats().actionRequests, client.stats.requests);
});

Deno.test("OpencastClient refuses a wrong simulator password with one line naming user and host, not the password", async () => {
  await using sim = await startSim();
  const wrong = "not-the-Digest-pw";
  const client = new OpencastClient({
    host: sim.url,
    user: USER,
    password: wrong,
    nodeLabel: "engage",
  });
  const error = await fetchActions(client, {
    ...spanWindow(sim.timezone),
    limit: LIMIT,
    offset: 0,
  }).then(
    () => assert.fail("a wrong password was accepted"),
    (error: unknown) => error,
  );

  assert.ok(error instanceof AuthenticationError, String(error));
  const { message } = error;
  assert.ok(!message.includes("\n"), message);
  assert.ok(message.includes(`user ${USER}`), message);
  assert.ok(message.includes(`127.0.0.1:${sim.port}`), message);
  assert.ok(!message.includes(wrong), message);
  assert.ok(!message.includes(PASSWORD), message);
  // Refused without retrying: the first challenge plus the refused answer.
  assert.equal(client.stats.retries, 0);
  assert.ok(sim.stats().unauthorized <= 2, `401s: ${sim.stats().unauthorized}`);
});

Deno.test("CLI: harvest against `simulate --port 0 --actions 5000` exits 3 with one error line for a wrong password, and gets every action with the right one", async () => {
  await using spawned = spawnCli([
    "simulate",
    "--port",
    "0",
    "--actions",
    String(ACTIONS),
    "--user",
    USER,
    "--password",
    PASSWORD,
  ]);
  const simulate = spawned.child;
  const stderrText = new Response(simulate.stderr).text();
  try {
    const line = await firstLine(simulate.stdout);
    const url = /^Simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(
      line,
    )?.[1];
    assert.ok(url, `unexpected first line: ${line}`);
    const stateDir = await Deno.makeTempDir({ prefix: "ua-harvest-h2-" });
    try {
      const harvest = (password: string, name: string) =>
        runMain([
          "harvest",
          "-H",
          url,
          "-u",
          USER,
          "-p",
          password,
          // No zone on either side: both default to this machine's, as in
          // the README walk-through.
          "--output",
          "-",
          "--interval",
          "30",
          "--wait",
          "0",
          "--batch-size",
          String(LIMIT),
          "--state-file",
          `${stateDir}/${name}.json`,
          "--cache-file",
          `${stateDir}/episodes.sqlite`,
        ]);

      const wrong = "wrong-Digest-pw";
      const refused = await harvest(wrong, "refused");
      assert.equal(refused.stdout, "");
      assertOneErrorLine(
        refused,
        3,
        new RegExp(
          `Authentication failed for user ${USER} at host 127\\.0\\.0\\.1:\\d+`,
        ),
      );
      assert.ok(!refused.stderr.includes(wrong), refused.stderr);
      assert.ok(!refused.stderr.includes("    at "), "a stack trace");

      const accepted = await harvest(PASSWORD, "accepted");
      assert.equal(accepted.code, 0, accepted.stderr);
      const ids = accepted.stdout.trim().split("\n").map((l) =>
        (JSON.parse(l) as { action_id: number }).action_id
      );
      const served =
        (await (await fetch(`${url}/_sim/actions`)).json()) as Array<
          { id: number }
        >;
      assert.equal(served.length, ACTIONS);
      assert.equal(ids.length, ACTIONS);
      assert.deepEqual(
        [...new Set(ids)].sort((a, b) => a - b),
        served.map((a) => a.id).sort((a, b) => a - b),
      );
      assert.ok(!accepted.stderr.includes(PASSWORD), accepted.stderr);
    } finally {
      await Deno.remove(stateDir, { recursive: true });
    }
  } finally {
    simulate.kill("SIGTERM");
    await simulate.status;
    await stderrText;
  }
});

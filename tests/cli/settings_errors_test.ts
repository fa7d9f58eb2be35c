/**
 * Settings read wrongly or ignored without a word, and messages that
 * misreport (issue 10, items 4 and 5), through the CLI run by `main()`:
 * each case exits with the right code and one line that names the problem.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { CliResult } from "../support/run_cli.ts";
import { runMain } from "../support/run_main.ts";
import { harvestEnv } from "../support/harvest_env.ts";
import { freePort } from "../support/free_port.ts";

/** The lines a run wrote to stderr, without blanks. */
function lines(result: CliResult): string[] {
  return result.stderr.split("\n").filter((line) => line.trim() !== "");
}

function assertUsage(result: CliResult, message: RegExp): void {
  assert.equal(result.code, 2, `exit ${result.code}:\n${result.stderr}`);
  assert.equal(lines(result).length, 1, result.stderr);
  assert.match(result.stderr, message);
}

Deno.test("settings and messages through the CLI", async (t) => {
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-settings-" });
  const env = harvestEnv({ home, extra: { OPENCAST_TIMEZONE: "UTC" } });
  // An engage host that refuses connections at once.
  const refused = `http://127.0.0.1:${freePort()}`;
  const harvest = (...args: string[]) => ["harvest", "-H", refused, ...args];
  try {
    await t.step(
      "a UTF-8 byte-order mark does not hide the first .env key",
      async () => {
        const cwd = join(home, "bom");
        await Deno.mkdir(cwd);
        /** A dry run in `cwd` whose `.env` is `text`. */
        const dryRunWith = async (text: string) => {
          await Deno.writeTextFile(join(cwd, ".env"), text);
          return await runMain(["harvest", "--dry-run"], {
            env: harvestEnv({ home }),
            cwd,
          });
        };
        // The first key is read (empty), so the error is about it, not a
        // missing setting hidden behind the mark.
        assertUsage(
          await dryRunWith(
            "\uFEFFMATTERHORN_ENGAGE_HOST=\nOPENCAST_TIMEZONE=Mars/Olympus\n",
          ),
          /Unknown time zone 'Mars\/Olympus' in --server-timezone \(OPENCAST_TIMEZONE\): expected an IANA name/,
        );
        assertUsage(
          await dryRunWith("\uFEFFMATTERHORN_ENGAGE_HOST=\n"),
          /No Opencast host: set MATTERHORN_ENGAGE_HOST/,
        );
      },
    );

    await t.step(
      "an invalid --log-level or LOG_LEVEL is a usage error (2)",
      async () => {
        assertUsage(
          await runMain(harvest("--log-level", "loud"), { env }),
          /--log-level.*'loud' is invalid: expected trace, debug, info/,
        );
        assertUsage(
          await runMain(harvest(), { env: { ...env, LOG_LEVEL: "loud" } }),
          /'loud' from env 'LOG_LEVEL' is invalid/,
        );
      },
    );

    await t.step("conflicting flags are usage errors (2)", async () => {
      assertUsage(
        await runMain(harvest("--update-last-ts", "--no-update-last-ts"), {
          env,
        }),
        /'--update-last-ts' cannot be used with option '--no-update-last-ts'/,
      );
      assertUsage(
        await runMain([
          "load_episodes",
          "--mpid",
          "abc",
          "--source-index-pattern",
          "useractions-*",
        ], { env }),
        /'--mpid <id>' cannot be used with option '--source-index-pattern/,
      );
      assertUsage(
        await runMain(["load_episodes", "--mpid", ""], { env }),
        /--mpid <id>.* is invalid: expected a mediapackage id/,
      );
    });

    await t.step(
      "a time zone error reads well, a zero timeout names no internal field",
      async () => {
        const zone = await runMain(
          harvest("--server-timezone", "Mars/Olympus"),
          {
            env,
          },
        );
        assertUsage(
          zone,
          /Unknown time zone 'Mars\/Olympus' in --server-timezone/,
        );
        assert.doesNotMatch(zone.stderr, /for the time zone/);
        const timeout = await runMain(harvest("--timeout", "0"), { env });
        assertUsage(
          timeout,
          /--timeout <seconds>.*expected a number of seconds more than 0/,
        );
        assert.doesNotMatch(timeout.stderr, /timeoutMs/);
      },
    );

    await t.step(
      "user text with {…} is quoted as it is, never taken for log placeholders",
      async () => {
        const stateFile = join(home, "braces.json");
        await Deno.writeTextFile(stateFile, "{error}{message}{ {}");
        const result = await runMain(harvest("--state-file", stateFile), {
          env,
        });
        // An unreadable checkpoint is exit 5 (see checkpoint_format.ts).
        assert.equal(result.code, 5, result.stderr);
        assert.equal(lines(result).length, 1, result.stderr);
        assert.match(result.stderr, /\{error\}\{message\}\{ \{\}/);
        assert.doesNotMatch(result.stderr, /undefined/);
      },
    );

    await t.step(
      "fetch failures name their cause, and a huge host is cut",
      async () => {
        const result = await runMain(
          harvest("--max-attempts", "1", "-i", "1"),
          { env },
        );
        assert.equal(result.code, 4, result.stderr);
        assert.match(result.stderr, /connection refused/);
        assert.doesNotMatch(result.stderr, /fetch failed/);

        const host = `${"h".repeat(100_000)}.example.edu`;
        const huge = await runMain(
          ["harvest", "-H", host, "--max-attempts", "1", "-i", "1"],
          { env },
        );
        assert.notEqual(huge.code, 0);
        assert.ok(huge.stderr.length < 3000, `${huge.stderr.length} chars`);
        assert.match(huge.stderr, /h… \(100012 characters\)/);
      },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

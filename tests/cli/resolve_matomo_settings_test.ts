/**
 * `harvest --source matomo`'s settings resolved in process: the source from
 * the flag or `HARVEST_SOURCE`, Matomo's URL, site, dimension, overlap and
 * attempts, the token from the environment only, and the engage node made
 * optional.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import { resolveHarvestSettings } from "../../src/cli/resolve_harvest_settings.ts";
import * as defaults from "../../src/config/defaults.ts";
import type { HarvestSettings } from "../../src/harvest/harvest_settings.ts";
import { parseFlags } from "../support/parse_flags.ts";
import { testContext } from "../support/command_context.ts";

const context = testContext();

const TOKEN = "0123456789abcdef0123456789abcdef";
const MATOMO: Record<string, string> = {
  HOME: "/home/ops",
  MATOMO_URL: "https://matomo.example.edu/",
  MATOMO_TOKEN_AUTH: TOKEN,
};

function resolve(args: string[], env: Record<string, string>): HarvestSettings {
  return resolveHarvestSettings({
    options: parseFlags(harvestCommand(context), args, env),
    env,
    now: Temporal.Instant.from("2024-03-01T12:00:00Z"),
    localTimeZone: "UTC",
    stderrIsTerminal: false,
  });
}

function assertConfigError(run: () => unknown, message: RegExp): string {
  let text = "";
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/, "one line");
    text = error.message;
    return true;
  });
  return text;
}

Deno.test("--source matomo needs no engage node and has Matomo's documented defaults", () => {
  const settings = resolve(["--source", "matomo"], MATOMO);
  assert.equal(settings.source, "matomo");
  assert.equal(settings.engage, undefined);
  assert.deepEqual(settings.matomo, {
    url: "https://matomo.example.edu/",
    tokenAuth: TOKEN,
    siteId: defaults.DEFAULT_MATOMO_SITE_ID,
    overlapMinutes: defaults.DEFAULT_MATOMO_OVERLAP_MINUTES,
    timeoutMs: defaults.DEFAULT_MATOMO_TIMEOUT_SECONDS * 1000,
    maxAttempts: defaults.DEFAULT_MATOMO_MAX_ATTEMPTS,
  });
  // Pinned: a changed default is a decision.
  assert.equal(defaults.DEFAULT_MATOMO_SITE_ID, 1);
  assert.equal(defaults.DEFAULT_MATOMO_OVERLAP_MINUTES, 30);
});

Deno.test("HARVEST_SOURCE chooses the source, the flag wins, and Opencast stays the default", () => {
  assert.equal(
    resolve([], { ...MATOMO, HARVEST_SOURCE: "matomo" }).source,
    "matomo",
  );
  const opencast = resolve(["--source", "opencast"], {
    ...MATOMO,
    HARVEST_SOURCE: "matomo",
    MATTERHORN_ENGAGE_HOST: "engage.example.edu",
  });
  assert.equal(opencast.source, "opencast");
  assert.equal(opencast.matomo, undefined, "Matomo's settings are not read");
  assert.equal(
    resolve([], { ...MATOMO, MATTERHORN_ENGAGE_HOST: "e.example.edu" })
      .source,
    "opencast",
  );
});

Deno.test("Matomo's flags and variables: site, dimension, overlap, attempts, timeout", () => {
  const fromEnv = resolve(["--source", "matomo"], {
    ...MATOMO,
    MATOMO_SITE_ID: "7",
    MATOMO_EPISODE_DIMENSION: " Video ID ",
    MATOMO_OVERLAP_MINUTES: "45",
    MATOMO_MAX_ATTEMPTS: "2",
    MATOMO_TIMEOUT: "12.5",
  }).matomo!;
  assert.equal(fromEnv.siteId, 7);
  assert.equal(fromEnv.episodeDimension, "Video ID");
  assert.equal(fromEnv.overlapMinutes, 45);
  assert.equal(fromEnv.maxAttempts, 2);
  assert.equal(fromEnv.timeoutMs, 12_500);
  const fromFlags = resolve([
    "--source",
    "matomo",
    "--matomo-url",
    "https://example.edu/analytics",
    "--matomo-site-id",
    "3",
    "--matomo-episode-dimension",
    "dimension4",
    "--matomo-overlap",
    "0",
  ], { ...MATOMO, MATOMO_SITE_ID: "7" }).matomo!;
  assert.equal(fromFlags.url, "https://example.edu/analytics");
  assert.equal(fromFlags.siteId, 3);
  assert.equal(fromFlags.episodeDimension, "dimension4");
  assert.equal(fromFlags.overlapMinutes, 0);
});

Deno.test("with an engage node, Matomo's records get episodes: its settings are checked as Opencast's", () => {
  const settings = resolve(["--source", "matomo", "-H", "engage.example.edu"], {
    ...MATOMO,
    MATTERHORN_REST_USER: "ops",
    MATTERHORN_REST_PASS: "secret",
  });
  assert.equal(settings.engage?.host, "engage.example.edu");
  assert.equal(settings.engage?.user, "ops");
  assertConfigError(
    () =>
      resolve(["--source", "matomo", "-H", "engage.example.edu"], {
        ...MATOMO,
        MATTERHORN_REST_USER: "ops",
      }),
    /MATTERHORN_REST_PASS/,
  );
});

Deno.test("--source matomo without a URL or a token names the setting to set", () => {
  const { MATOMO_URL: _, ...noUrl } = MATOMO;
  assertConfigError(
    () => resolve(["--source", "matomo"], noUrl),
    /set MATOMO_URL \(or --matomo-url\)/,
  );
  const { MATOMO_TOKEN_AUTH: __, ...noToken } = MATOMO;
  assertConfigError(
    () => resolve(["--source", "matomo"], noToken),
    /set MATOMO_TOKEN_AUTH in the environment or \.env/,
  );
  assertConfigError(
    () =>
      resolve(["--source", "matomo"], { ...MATOMO, MATOMO_TOKEN_AUTH: "  " }),
    /MATOMO_TOKEN_AUTH/,
  );
  assertConfigError(
    () =>
      resolve(["--source", "matomo"], {
        ...MATOMO,
        MATOMO_URL: "ftp://matomo.example.edu",
      }),
    /MATOMO_URL uses the scheme "ftp"/,
  );
});

Deno.test("a token given as a flag is refused without being repeated, whichever way it is spelled", () => {
  for (
    const args of [
      ["--matomo-token-auth", TOKEN],
      [`--matomo-token-auth=${TOKEN}`],
      [`--matomo_token_auth=${TOKEN}`],
      ["--matomo-token-auth"],
    ]
  ) {
    const message = assertConfigError(
      () => resolve(["--source", "matomo", ...args], MATOMO),
      /--matomo-token-auth is not accepted: set MATOMO_TOKEN_AUTH in the environment or \.env/,
    );
    assert.ok(!message.includes(TOKEN), message);
  }
});

Deno.test("the Source group of harvest --help starts with --source", () => {
  const command = harvestCommand(context);
  const help = command.helpInformation();
  const source = help.indexOf("--source <source>");
  assert.ok(source > 0, help);
  const heading = help.lastIndexOf("Source (", source);
  assert.ok(heading >= 0);
  // Nothing but the heading between the group's start and --source.
  assert.equal(help.slice(heading, source).trim().split("\n").length, 1);
  assert.match(help, /--matomo-url <url>.*\(env:\s+MATOMO_URL\)/s);
  assert.match(help, /--matomo-token-auth \[token\]\s+not accepted/);
});

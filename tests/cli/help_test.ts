/**
 * `--help` and `--version` through the CLI run by `main()`. The options
 * expected in each help text come from the commander `Command` objects the
 * commands declare, so dropping an option's environment binding (or its
 * default) from the help fails here.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Option } from "@commander-js/extra-typings";
import denoJson from "../../deno.json" with { type: "json" };
import { testContext } from "../support/command_context.ts";
import { EXIT_CODES } from "../../src/errors.ts";
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import { loadEpisodesCommand } from "../../src/cli/load_episodes_command.ts";
import { setupCommand } from "../../src/cli/setup_command.ts";
import { simulateCommand } from "../../src/cli/simulate_command.ts";
import { statusCommand } from "../../src/cli/status_command.ts";
import type { CliResult } from "../support/run_cli.ts";
import { runMain } from "../support/run_main.ts";

const context = testContext();

/** Every way to name a command on the command line, with what it declares. */
const COMMANDS: [string, readonly Option[]][] = [
  ["harvest", harvestCommand(context).options],
  ["load_episodes", loadEpisodesCommand(context).options],
  ["load-episodes", loadEpisodesCommand(context).options],
  ["setup", setupCommand(context).options],
  ["simulate", simulateCommand(context).options],
];

/**
 * The help text of each option, keyed by its flags: from the line that
 * starts with the flags to the next option's line, whitespace collapsed
 * (commander wraps descriptions, even inside `(env: NAME)`).
 */
function optionEntries(
  help: string,
  options: readonly Option[],
): Map<string, string> {
  const lines = help.split("\n");
  const starts = (line: string, flags: string) =>
    line.startsWith(`  ${flags}`) &&
    /^(\s|$)/.test(line.slice(2 + flags.length));
  const entries = new Map<string, string>();
  const positions: [string, number][] = [];
  for (const option of options) {
    const index = lines.findIndex((line) => starts(line, option.flags));
    assert.ok(index >= 0, `${option.flags} is not listed:\n${help}`);
    positions.push([option.flags, index]);
  }
  const helpLine = lines.findIndex((line) => starts(line, "-h, --help"));
  assert.ok(helpLine >= 0, "-h, --help is listed");
  // An entry ends at the next option, at --help, or at the blank line that
  // closes its group (options in a help group are listed under a heading).
  const boundaries = [
    ...positions.map(([, index]) => index),
    helpLine,
    ...lines.flatMap((line, i) => line.trim() === "" ? [i] : []),
    lines.length,
  ];
  positions.forEach(([flags, index]) => {
    const end = Math.min(...boundaries.filter((b) => b > index));
    entries.set(
      flags,
      lines.slice(index, end).join(" ").replace(/\s+/g, " ").trim(),
    );
  });
  return entries;
}

/** Runs the CLI in an empty directory (no `.env`), removed afterwards. */
function run(args: string[]): Promise<CliResult> {
  return runMain(args);
}

for (const [name, options] of COMMANDS) {
  Deno.test(`ua-harvest ${name} --help lists every option with its environment variable and default`, async () => {
    const result = await run([name, "--help"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.ok(options.length > 0);
    const entries = optionEntries(result.stdout, options);
    for (const option of options) {
      const entry = entries.get(option.flags)!;
      if (option.envVar !== undefined) {
        assert.ok(
          entry.includes(`env: ${option.envVar})`),
          `${option.flags} should name ${option.envVar}: ${entry}`,
        );
      } else {
        assert.ok(!entry.includes("env:"), entry);
      }
      if (option.defaultValue !== undefined && !option.negate) {
        assert.match(entry, /default: /, `${option.flags} shows its default`);
      }
    }
  });
}

/**
 * The original's flags (short letter, long name) and the variables they were
 * bound to, plus its settings that only ever came from the environment:
 * cron lines and `.env` files written for it must keep working.
 */
const ORIGINAL: Record<string, {
  flags: [string, string, string?][];
  envOnly: string[];
}> = {
  harvest: {
    flags: [
      ["-s", "--start"],
      ["-e", "--end"],
      ["-w", "--wait"],
      ["-H", "--engage_host", "MATTERHORN_ENGAGE_HOST"],
      ["-u", "--user", "MATTERHORN_REST_USER"],
      ["-p", "--password", "MATTERHORN_REST_PASS"],
      ["-o", "--output"],
      ["-q", "--queue-name", "SQS_QUEUE_NAME"],
      ["-b", "--batch-size"],
      ["-i", "--interval", "DEFAULT_INTERVAL"],
      ["", "--disable-start-end-span-check"],
    ],
    envOnly: [
      "S3_HARVEST_TS_BUCKET",
      "S3_LAST_ACTION_TS_KEY",
      "EPISODE_CACHE_EXPIRE",
      "MAX_START_END_SPAN",
    ],
  },
  load_episodes: {
    flags: [
      ["-c", "--created_from_days_ago"],
      ["-A", "--admin_host", "MATTERHORN_ADMIN_HOST"],
      ["-E", "--engage_host", "MATTERHORN_ENGAGE_HOST"],
      ["-e", "--es_host", "ELASTICSEARCH_HOST"],
      ["-i", "--es_index", "EPISODE_INDEX_NAME"],
      ["-w", "--wait"],
      ["-u", "--user", "MATTERHORN_REST_USER"],
      ["-p", "--password", "MATTERHORN_REST_PASS"],
    ],
    envOnly: [],
  },
};

for (const [name, original] of Object.entries(ORIGINAL)) {
  Deno.test(`${name} keeps the original's flags and environment variables`, () => {
    const options = COMMANDS.find(([command]) => command === name)![1];
    for (const [short, long, envVar] of original.flags) {
      const option = options.find((o) => o.long === long);
      assert.ok(option, `${long} is declared`);
      assert.equal(option.short ?? "", short, `${long}'s short flag`);
      if (envVar !== undefined) {
        assert.equal(option.envVar, envVar, `${long}'s variable`);
      }
    }
    const bound = new Set(options.map((o) => o.envVar));
    for (const variable of original.envOnly) {
      assert.ok(bound.has(variable), `${variable} is bound to an option`);
    }
  });
}

Deno.test("every command's --help fits in 80 columns, options, exit codes and examples alike", async () => {
  // commander leaves every description unwrapped when the longest option
  // term leaves it fewer than 40 columns: one long flag made harvest --help
  // lines of 400 characters.
  for (
    const name of ["harvest", "load_episodes", "setup", "simulate", "status"]
  ) {
    const result = await run([name, "--help"]);
    assert.equal(result.code, 0, result.stderr);
    const long = result.stdout.split("\n").filter((line) => line.length > 80);
    assert.deepEqual(long, [], name);
  }
});

Deno.test("every short flag that means something else in another command says so in --help", () => {
  const commands = COMMANDS.filter(([name]) => name !== "load-episodes");
  const spelled = (long: string | undefined) => long?.replaceAll("_", "-");
  const meanings = new Map<string, Set<string>>(); // -e → --end, --es-host
  const shorts = new Map<string, Set<string>>(); // --engage-host → -H, -E
  for (const [, options] of commands) {
    for (const { short, long } of options) {
      if (!short || !long) continue;
      meanings.set(
        short,
        (meanings.get(short) ?? new Set()).add(spelled(long)!),
      );
      shorts.set(
        spelled(long)!,
        (shorts.get(spelled(long)!) ?? new Set()).add(short),
      );
    }
  }
  let checked = 0;
  for (const [name, options] of commands) {
    for (const option of options) {
      if (!option.short || !option.long) continue;
      const others = [
        ...[...meanings.get(option.short)!].filter((l) =>
          l !== spelled(option.long)
        ),
        ...[...shorts.get(spelled(option.long)!)!].filter((s) =>
          s !== option.short
        ),
      ];
      if (others.length === 0) continue;
      checked++;
      const text = option.description.replaceAll("_", "-");
      assert.match(
        text,
        /kept from the Python tool/,
        `${name} ${option.flags}`,
      );
      for (const other of others) {
        assert.ok(
          text.includes(other),
          `${name} ${option.flags} names ${other}: ${text}`,
        );
      }
    }
  }
  // harvest -e, -i, -H; load_episodes -E, -e, -i; setup -e, -i.
  assert.equal(checked, 8);
});

Deno.test("ua-harvest harvest --help documents the exit codes", async () => {
  const result = await run(["harvest", "--help"]);
  assert.equal(result.code, 0, result.stderr);
  const codes = [...result.stdout.matchAll(/^ {2}(\d+) /gm)].map((m) =>
    Number(m[1])
  );
  // Every code the harvest can exit with; 143 shares the line of 130.
  const documented = Object.values(EXIT_CODES).filter((code) => code !== 143);
  assert.deepEqual(codes, documented);
});

Deno.test("ua-harvest --help lists every command", async () => {
  const result = await run(["--help"]);
  assert.equal(result.code, 0, result.stderr);
  for (const name of ["harvest", "load_episodes", "setup", "simulate"]) {
    assert.match(result.stdout, new RegExp(`^ {2}${name}\\b`, "m"), name);
  }
  assert.match(result.stdout, /load_episodes\|load-episodes/);
});

Deno.test("ua-harvest --version prints the version from deno.json", async () => {
  for (const flag of ["--version", "-V"]) {
    const result = await run([flag]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${denoJson.version}\n`, flag);
  }
});

Deno.test("only harvest --help says the S3 bucket is created when missing: status and load_episodes create none", () => {
  const bucket = (options: readonly Option[]) =>
    options.find((o) => o.long === "--s3-bucket")!.description;
  assert.match(bucket(harvestCommand(context).options), /created when missing/);
  for (
    const command of [statusCommand(context), loadEpisodesCommand(context)]
  ) {
    assert.doesNotMatch(bucket(command.options), /created/, command.name());
  }
});

Deno.test("--ca-cert's help says the bundle is trusted beside the system's CAs everywhere, as caBundle() and fetch do", () => {
  for (
    const command of [
      harvestCommand(context),
      loadEpisodesCommand(context),
      setupCommand(context),
      statusCommand(context),
    ]
  ) {
    const description = command.options.find((o) =>
      o.long === "--ca-cert"
    )!.description;
    assert.match(description, /trusted beside the system's/, command.name());
    assert.doesNotMatch(description, /in their place|AWS/, command.name());
  }
});

Deno.test("harvest --help groups its options: source, Matomo, window, output, state, operations, timeouts, --source first", () => {
  const help = harvestCommand(context).helpInformation();
  const headings = help.split("\n").filter((line) => /^\S.*:$/.test(line));
  assert.deepEqual(headings, [
    "Source (Opencast's engage node: actions, and the episodes of every source):",
    "Matomo (--source matomo, Opencast 18+):",
    "Window:",
    "Output:",
    "State (checkpoint, run lock, episode cache):",
    "Operations:",
    "Timeouts (seconds per attempt; a frozen service fails the run with exit 4):",
  ]);
  const options = help.split("\n").filter((line) => line.startsWith("  -"));
  assert.match(options[0]!, /^ {2}--source <source>/);
  assert.match(options[1]!, /^ {2}-H, --engage_host <host>/);
  // -h, --help closes the operations, not a group of its own.
  const operations = help.slice(help.indexOf("Operations:"));
  assert.ok(
    operations.indexOf("-h, --help") < operations.indexOf("Timeouts"),
    operations,
  );
});

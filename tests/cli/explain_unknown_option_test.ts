import assert from "node:assert/strict";
import { testContext } from "../support/command_context.ts";
import { explainUnknownOption } from "../../src/cli/explain_unknown_option.ts";
import { harvestCommand } from "../../src/cli/harvest_command.ts";
import { loadEpisodesCommand } from "../../src/cli/load_episodes_command.ts";
import { setupCommand } from "../../src/cli/setup_command.ts";
import { simulateCommand } from "../../src/cli/simulate_command.ts";
import { runMain } from "../support/run_main.ts";

const context = testContext();

const COMMANDS = [
  harvestCommand(context),
  loadEpisodesCommand(context),
  setupCommand(context),
  simulateCommand(context),
].map((c) => ({ name: c.name(), options: c.options }));

Deno.test("explainUnknownOption() names the command and where the flag belongs", () => {
  const table: [string, string, string][] = [
    [
      "harvest",
      "--es-index",
      "for 'harvest': it belongs to load_episodes and setup",
    ],
    // Either spelling, and with a value attached.
    [
      "harvest",
      "--es_index=x",
      "for 'harvest': it belongs to load_episodes and setup",
    ],
    [
      "harvest",
      "-E",
      "for 'harvest': it belongs to load_episodes, as --engage_host; harvest spells that -H, --engage_host",
    ],
    [
      "load_episodes",
      "-H",
      "for 'load_episodes': it belongs to harvest, as --engage_host; load_episodes spells that -E, --engage_host",
    ],
    [
      "simulate",
      "-e",
      "for 'simulate': it belongs to harvest, as --end; load_episodes and setup, as --es_host",
    ],
    ["setup", "--start", "for 'setup': it belongs to harvest"],
    ["harvest", "--bogus", "for 'harvest'"],
  ];
  for (const [command, flag, explanation] of table) {
    assert.equal(
      explainUnknownOption(
        `error: unknown option '${flag}'\n`,
        command,
        COMMANDS,
      ),
      `error: unknown option '${flag}' ${explanation}\n`,
      `${command} ${flag}`,
    );
  }
});

Deno.test("explainUnknownOption() leaves other errors alone", () => {
  const message = "error: option '-b, --batch-size <n>' argument missing\n";
  assert.equal(explainUnknownOption(message, "harvest", COMMANDS), message);
});

Deno.test("harvest --es-index stops with one line naming the command the flag belongs to", async () => {
  const result = await runMain(["harvest", "--es-index", "x"]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.equal(
    result.stderr,
    "ua-harvest: Unknown option '--es-index' for 'harvest': it belongs to load_episodes and setup (exit 2: bad flags or settings, see ua-harvest harvest --help)\n",
  );
});

Deno.test("load_episodes -H points at -E", async () => {
  const result = await runMain(["load-episodes", "-H", "x"]);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^ua-harvest: Unknown option '-H' for 'load_episodes': it belongs to harvest, as --engage_host; load_episodes spells that -E, --engage_host \(exit 2: bad flags or settings, see ua-harvest load_episodes --help\)\n$/,
  );
});

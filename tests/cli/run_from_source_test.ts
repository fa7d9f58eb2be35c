/**
 * Running from source, as the README shows (`deno task -q ua-harvest …`),
 * prints nothing but the tool's own output: no Deno warning (permissions in
 * deno.json are "experimental") lands in a terminal or a cron log.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { type CliResult, decodeOutput, denoEnv } from "../support/run_cli.ts";
import { simulator } from "../support/simulator.ts";

const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));
const LOG_LINE =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [+-]\d\d(:?\d\d)? \[(INF|WRN)\] /;

/** `deno task -q ua-harvest ARGS` from a fresh directory, with a clean environment. */
async function runTask(args: readonly string[]): Promise<CliResult> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-source-" });
  try {
    return decodeOutput(
      await new Deno.Command(Deno.execPath(), {
        args: ["task", "-q", "--config", CONFIG, "ua-harvest", ...args],
        cwd: dir,
        clearEnv: true,
        env: {
          ...denoEnv(),
          XDG_STATE_HOME: join(dir, "state"),
          XDG_CACHE_HOME: join(dir, "cache"),
        },
        stdin: "null",
      }).output(),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("deno task ua-harvest, the binary and the tests share one permission list", () => {
  const run = denoJson.tasks["ua-harvest"].command;
  const compile = denoJson.tasks.compile;
  // -P: permissions.default in deno.json; --no-prompt: fail like the binary.
  for (const task of [run, compile]) {
    assert.match(task, / -P --no-prompt /);
    assert.doesNotMatch(task, /--allow-/);
  }
  assert.match(run, /^deno run --quiet /, "--quiet hides Deno's warning");
});

Deno.test("deno task ua-harvest --version prints the version and nothing else", async () => {
  const result = await runTask(["--version"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${denoJson.version}\n`);
  assert.equal(result.stderr, "");
});

Deno.test("deno task ua-harvest harvest writes only the tool's own log lines to stderr", async () => {
  await using sim = await simulator({
    actions: 30,
    spanSeconds: 60,
    episodes: 3,
    timezone: "UTC",
  });
  const result = await runTask([
    "harvest",
    "-H",
    sim.url,
    "--server-timezone",
    "UTC",
    "-i",
    "5",
    "--wait",
    "0",
    "--output",
    "-",
    "--dry-run",
  ]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stderr.trimEnd().split("\n");
  assert.ok(lines.some((l) => /Dry run: would have sent 30 records/.test(l)));
  for (const line of lines) assert.match(line, LOG_LINE);
});

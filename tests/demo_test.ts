/**
 * `deno task demo` as a newcomer runs it: the task's own command, from the
 * clone, with a clean environment.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import denoJson from "../deno.json" with { type: "json" };
import { denoEnv } from "./support/run_cli.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("deno task demo harvests the simulator and says its 'No episode found' warnings are expected", async () => {
  const words = denoJson.tasks.demo.split(/\s+/);
  assert.equal(words[0], "deno");
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-demo-test-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: words.slice(1),
      cwd: ROOT,
      clearEnv: true,
      env: { ...denoEnv(), HOME: home, NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(output.stdout);
    const stderr = new TextDecoder().decode(output.stderr).split("\n");
    assert.equal(output.code, 0, stderr.join("\n"));
    const records = stdout.trim().split("\n").map((line) => JSON.parse(line));
    assert.equal(records.length, 2000);
    const note = stderr.findIndex((line) =>
      /^Demo: .*'No episode found' warnings below are expected/.test(line)
    );
    const warnings = stderr.flatMap((line, i) =>
      /\[WRN\] .*No episode found/.test(line) ? [i] : []
    );
    assert.ok(note >= 0, stderr.join("\n"));
    assert.ok(warnings.length > 0, "the simulator has episodes missing");
    assert.ok(warnings.every((i) => i > note), "the note comes first");
    // Nothing else warns, and nothing was left behind in HOME.
    assert.equal(
      stderr.filter((line) => line.includes("[WRN]")).length,
      warnings.length,
    );
    assert.deepEqual([...Deno.readDirSync(home)], []);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

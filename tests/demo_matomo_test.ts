/**
 * `deno task demo matomo` as a newcomer runs it: the task's own command with
 * `matomo`, from the clone, with a clean environment.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../deno.json" with { type: "json" };

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("deno task demo matomo harvests the Matomo simulator with episodes, and says its one warning is expected", async () => {
  const words = denoJson.tasks.demo.split(/\s+/);
  const home = await Deno.makeTempDir({ prefix: "ua-harvest-demo-test-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: [...words.slice(1), "matomo"],
      cwd: ROOT,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        DENO_DIR: Deno.env.get("DENO_DIR") ??
          join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
        NO_COLOR: "1",
      },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr).split("\n");
    assert.equal(output.code, 0, stderr.join("\n"));
    const records = new TextDecoder().decode(output.stdout).trim().split("\n")
      .map((line) => JSON.parse(line));
    assert.ok(records.length > 300, `${records.length} records`);
    assert.ok(records.every((r) => r.source === "matomo"));
    assert.ok(records.some((r) => Object.keys(r.episode).length > 0));
    const note = stderr.findIndex((line) =>
      /^Demo: .*its warning below is expected/.test(line)
    );
    const warnings = stderr.flatMap((line, i) =>
      line.includes("[WRN]") ? [i] : []
    );
    assert.ok(note >= 0, stderr.join("\n"));
    assert.equal(warnings.length, 1, stderr.join("\n"));
    assert.match(
      stderr[warnings[0]!]!,
      /Matomo visit \d+ has \d+ more actions/,
    );
    assert.ok(warnings[0]! > note, "the note comes first");
    assert.deepEqual([...Deno.readDirSync(home)], []);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

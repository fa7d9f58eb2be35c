/**
 * The `deno task` commands of deno.json that are not covered elsewhere:
 * their output stays short enough to read.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import denoJson from "../deno.json" with { type: "json" };

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("deno task check type-checks everything without a 'Check' line per file", async () => {
  const check = denoJson.tasks.check.split("&&").map((part) => part.trim())
    .find((part) => part.startsWith("deno check "));
  assert.ok(check, denoJson.tasks.check);
  const words = check.split(/\s+/).slice(1);
  for (const path of ["main.ts", "src/", "tests/", "bench/", "tools/"]) {
    assert.ok(words.includes(path), `deno check covers ${path}`);
  }
  // The task's own flags on two small modules without imports, with an
  // empty cache (Deno names the files it checks when there are several and
  // they are not cached yet): what a run after an edit prints.
  const flags = words.filter((word) => word.startsWith("-"));
  const cache = await Deno.makeTempDir({ prefix: "ua-harvest-check-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["check", ...flags, "src/util/plural.ts", "src/util/sleep.ts"],
      cwd: ROOT,
      env: { NO_COLOR: "1", DENO_DIR: cache },
    }).output();
    const printed = new TextDecoder().decode(output.stdout) +
      new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, printed);
    assert.doesNotMatch(printed, /^Check /m);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

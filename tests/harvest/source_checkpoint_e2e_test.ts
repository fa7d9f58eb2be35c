/**
 * A checkpoint belongs to the source that wrote it: the CLI against the
 * simulator with a checkpoint another source (Matomo) wrote.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { openFixture } from "./_delivery_fixture.ts";

Deno.test("harvest refuses another source's checkpoint with a settings error before any request, and leaves it alone", async () => {
  await using f = await openFixture({ actions: 50 });
  const state = join(f.dir, "checkpoint.json");
  const written =
    '{"version":1,"timestamp":"2024-03-01T15:00:00Z","ids":[],"source":"matomo","position":{"visit":42}}\n';
  await Deno.writeTextFile(state, written);
  const output = join(f.dir, "actions.jsonl");
  f.sim.resetStats();
  const result = await f.run(
    f.harvestArgs("--output", `file:${output}`, "--state-file", state),
  );
  assert.equal(result.code, 2, result.stderr);
  const errors = result.stderr.split("\n").filter((line) =>
    line.includes("written by the matomo source")
  );
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0]!, /this run reads opencast/);
  assert.match(errors[0]!, /give each source its own checkpoint/);
  assert.equal(f.sim.stats().requests, 0, "nothing fetched");
  assert.equal(existsSync(output), false, "nothing sent");
  assert.equal(await Deno.readTextFile(state), written, "checkpoint untouched");
});

/**
 * Output that fails never passes as success (issue 10, item 2): a harvest to
 * stdout with stdout closed, on a full disk and into a broken pipe exits 10
 * with one line naming the output and the cause, and its checkpoint never
 * covers a page that was not written. The CLI runs as a subprocess (a real
 * file descriptor 1, redirected or piped) against the simulator.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openFixture } from "./_delivery_fixture.ts";
import { cliCommand, decodeOutput } from "../support/run_cli.ts";
import { assertOneErrorLine } from "../support/error_lines.ts";
import type { Fixture } from "./_delivery_fixture.ts";

/** A harvest of the last 5 minutes to stdout, in pages of 100, saving to `stateFile`. */
function toStdout(f: Fixture, stateFile: string): string[] {
  return f.harvestArgs(
    "--output",
    "-",
    "--state-file",
    stateFile,
    "-b",
    "100",
    "-i",
    "5",
  );
}

for (
  const [what, redirect, cause] of [
    ["closed (>&-)", ">&-", /Cannot write to stdout: it is closed/],
    ["sent to /dev/null", ">/dev/null", /it is closed \(>&-\) or \/dev\/null/],
    [
      "on a full disk (>/dev/full)",
      ">/dev/full",
      /Cannot write to stdout: no space left on the device; stopped/,
    ],
  ] as const
) {
  Deno.test(`harvest to stdout ${what} exits 10 with one line, and the checkpoint does not move`, async () => {
    await using f = await openFixture({ actions: 300, spanSeconds: 60 });
    const stateFile = join(f.dir, "checkpoint.json");
    const result = decodeOutput(
      await cliCommand(toStdout(f, stateFile), {
        env: f.env,
        cwd: f.dir,
        stdoutRedirect: redirect,
      }).output(),
    );
    assertOneErrorLine(result, 10, cause);
    assert.doesNotMatch(result.stderr, /Unexpected error|Harvest done/);
    await assert.rejects(
      Deno.stat(stateFile),
      Deno.errors.NotFound,
      "no checkpoint: nothing was written",
    );
  });
}

Deno.test("harvest to stdout whose reader goes away (a broken pipe, like | head) exits 10 and stops", async () => {
  await using f = await openFixture({ actions: 1000, spanSeconds: 60 });
  const stateFile = join(f.dir, "checkpoint.json");
  const child = cliCommand(toStdout(f, stateFile), { env: f.env, cwd: f.dir })
    .spawn();
  const stderr = new Response(child.stderr).text();
  // Read the first chunk, then hang up, as `head` does.
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.length > 0);
  await reader.cancel();
  const status = await child.status;
  const text = await stderr;
  assert.equal(status.code, 10, text);
  assert.match(
    text,
    /Cannot write to stdout: broken pipe \(the reading end closed it/,
  );
  assert.doesNotMatch(text, /Unexpected error|Harvest done/);
  assert.match(text, /Harvest failed: \d+ actions/);
  const delivered = Number(/Harvest failed: (\d+) actions/.exec(text)![1]);
  assert.ok(delivered < 1000, `stopped early (${delivered} delivered)`);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { createProgressLine } from "../../src/harvest/progress_line.ts";
import type { StatusLine } from "../../src/log/status_line.ts";
import { runCli } from "../support/run_cli.ts";
import { simulator } from "../support/simulator.ts";
import { withTempDir } from "../support/temp_dir.ts";

const ZONE = "America/New_York";

Deno.test("createProgressLine() shows pages, counts, rate and ETA on the status line", () => {
  const shown: (string | null)[] = [];
  const status: StatusLine = {
    show: (text) => void shown.push(text),
    clear: () => void shown.push(null),
    writeLines: () => assert.fail("the progress line writes no lasting lines"),
    around: (write) => write(),
  };
  let clock = 0;
  const progress = createProgressLine({ statusLine: status, now: () => clock });
  clock = 2000;
  progress.update({ pages: 2, delivered: 2000, total: 6000 });
  progress.done();
  assert.deepEqual(shown, [
    "pages 2 · 2,000/6,000 actions · 1,000/s · ETA 4s",
    null,
  ]);
});

/**
 * What a terminal shows for this output: `\r` goes back to column 0 (text
 * after it overwrites), `ESC[2K` erases the line, `\n` starts a new one.
 */
function renderTerminal(raw: string): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let column = 0;
  for (let i = 0; i < raw.length; i++) {
    const char = raw[i]!;
    if (raw.startsWith("\x1b[2K", i)) {
      line = [];
      i += 3;
    } else if (char === "\r") {
      column = 0;
    } else if (char === "\n") {
      lines.push(line.join(""));
      line = [];
      column = 0;
    } else {
      line[column++] = char;
    }
  }
  if (line.length > 0) lines.push(line.join(""));
  return lines;
}

Deno.test("renderTerminal() shows a log line glued onto an uncleared progress line", () => {
  assert.deepEqual(
    renderTerminal("\r\x1b[2Kpages 1 · ETA 3s2026 [WRN] x\r\n\r\x1b[2Kdone\n"),
    ["pages 1 · ETA 3s2026 [WRN] x", "done"],
  );
});

Deno.test("harvest on a terminal clears the progress line for a log line and draws it again", async () => {
  await using sim = await simulator({
    actions: 400,
    spanSeconds: 120,
    episodes: 5,
    timezone: ZONE,
  });
  // Actions of an unknown mediapackage in the last page: a warning while the
  // progress line is showing.
  sim.appendActions(3, { mediapackageIds: ["no-such-episode"] });
  await withTempDir(async (dir) => {
    const result = await runCli([
      "harvest",
      "-H",
      sim.url,
      "--server-timezone",
      ZONE,
      "-i",
      "5",
      "-b",
      "50",
      "--wait",
      "0.05",
      "--output",
      `file:${join(dir, "out.jsonl")}`,
      "--state-file",
      join(dir, "checkpoint.json"),
      "--cache-file",
      join(dir, "episodes.sqlite"),
    ], { cwd: dir, terminal: true });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const raw = result.stdout;
    assert.match(raw, /pages \d+ · /, "the progress line was drawn");
    const screen = renderTerminal(raw);
    const warning = screen.findIndex((l) => /\[WRN\].*no-such-episode/.test(l));
    assert.ok(warning >= 0, screen.join("\n"));
    const glued = screen.filter((l) =>
      /pages \d+ · /.test(l) && /\[(DBG|INF|WRN|ERR)\]/.test(l)
    );
    assert.deepEqual(glued, [], "no log line shares a line with progress");
    // Every log line starts its line, and the screen ends cleared, on the summary.
    for (const line of screen.filter((l) => /\[(INF|WRN)\]/.test(l))) {
      assert.match(line, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} /);
    }
    assert.match(screen.at(-1)!, /\[INF\] .*Harvest done/);
  });
});

import assert from "node:assert/strict";
import { dispose, getLogger } from "@logtape/logtape";
import { configureLogging } from "../../src/log/configure_logging.ts";
import type { StatusLine } from "../../src/log/status_line.ts";

/** Records what is written through it; `show`/`clear`/`around` are not used by logging. */
function recordingStatusLine(): StatusLine & { lines: string[] } {
  const decoder = new TextDecoder();
  const lines: string[] = [];
  return {
    lines,
    show: () => assert.fail("logging draws no status line"),
    clear: () => assert.fail("logging clears no status line"),
    writeLines: (bytes) => void lines.push(decoder.decode(bytes)),
    around: (write) => write(),
  };
}

Deno.test("configureLogging() writes each line through the status line, at once and redacted", async () => {
  const status = recordingStatusLine();
  await configureLogging({ statusLine: status, secrets: ["hunter22"] });
  try {
    getLogger(["ua-harvest", "harvest"]).warn("Slow page {n} with hunter22", {
      n: 3,
    });
    // Synchronous: the line is out before the caller goes on (and redraws).
    assert.equal(status.lines.length, 1);
    assert.match(
      status.lines[0]!,
      /\[WRN\] harvest: Slow page 3 with \*\*\*\n$/,
    );
    getLogger(["ua-harvest"]).debug("below the level");
    assert.equal(status.lines.length, 1);
  } finally {
    await dispose();
  }
});

Deno.test("configureLogging() writes JSON lines through the status line", async () => {
  const status = recordingStatusLine();
  await configureLogging({ statusLine: status, format: "json" });
  try {
    getLogger(["ua-harvest"]).info("Done {n}", { n: 2 });
    assert.equal(status.lines.length, 1);
    assert.ok(status.lines[0]!.endsWith("\n"));
    const line = JSON.parse(status.lines[0]!);
    assert.equal(line.message, "Done 2");
    assert.equal(line.properties.n, 2);
  } finally {
    await dispose();
  }
});

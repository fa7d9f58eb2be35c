import assert from "node:assert/strict";
import { getLogger } from "@logtape/logtape";
import { withRecordedLogging } from "../support/recorded_logging.ts";

Deno.test("configureLogging() writes each line through the status line, at once and redacted", async () => {
  await withRecordedLogging({ secrets: ["hunter22"] }, (status) => {
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
  });
});

Deno.test("configureLogging() writes JSON lines through the status line", async () => {
  await withRecordedLogging({ format: "json" }, (status) => {
    getLogger(["ua-harvest"]).info("Done {n}", { n: 2 });
    assert.equal(status.lines.length, 1);
    assert.ok(status.lines[0]!.endsWith("\n"));
    const line = JSON.parse(status.lines[0]!);
    assert.equal(line.message, "Done 2");
    assert.equal(line.properties.n, 2);
  });
});

import assert from "node:assert/strict";
import { createStatusLine } from "../../src/log/status_line.ts";

const CLEAR = "\r\x1b[2K";
const encoder = new TextEncoder();

/** A terminal stream that records every write, taking at most `chunk` bytes at a time. */
function fakeTerminal(chunk = Infinity) {
  const decoder = new TextDecoder();
  const bytes: number[] = [];
  return {
    writeSync(data: Uint8Array) {
      const n = Math.min(data.length, chunk);
      bytes.push(...data.subarray(0, n));
      return n;
    },
    text: () => decoder.decode(new Uint8Array(bytes)),
  };
}

Deno.test("createStatusLine() clears the line before a log line and draws it again after", () => {
  const terminal = fakeTerminal();
  const status = createStatusLine({ output: terminal });
  status.show("pages 1 · ETA 3s");
  status.writeLines(encoder.encode("WRN something\n"));
  status.show("pages 2 · ETA 1s");
  status.clear();
  assert.equal(
    terminal.text(),
    `${CLEAR}pages 1 · ETA 3s` +
      `${CLEAR}WRN something\n${CLEAR}pages 1 · ETA 3s` +
      `${CLEAR}pages 2 · ETA 1s` +
      CLEAR,
  );
});

Deno.test("createStatusLine() writes log lines as they are when nothing is shown", () => {
  const terminal = fakeTerminal(3);
  const status = createStatusLine({ output: terminal });
  status.writeLines(encoder.encode("one\n"));
  status.show("pages 1");
  status.clear();
  status.clear();
  status.writeLines(encoder.encode("two\n"));
  assert.equal(terminal.text(), `one\n${CLEAR}pages 1${CLEAR}two\n`);
});

Deno.test("createStatusLine() does not glue the line onto a partial line", () => {
  const terminal = fakeTerminal();
  const status = createStatusLine({ output: terminal });
  status.show("pages 1");
  status.writeLines(encoder.encode("no newline"));
  status.show("pages 2");
  assert.equal(
    terminal.text(),
    `${CLEAR}pages 1${CLEAR}no newline${CLEAR}pages 2`,
  );
});

Deno.test("createStatusLine() keeps the line away while another stream writes", async () => {
  const terminal = fakeTerminal();
  const status = createStatusLine({ output: terminal });
  status.show("pages 1");
  const seen: string[] = [];
  const result = await status.around(async () => {
    seen.push(terminal.text());
    // Log lines and updates meanwhile do not draw it.
    status.writeLines(encoder.encode("log\n"));
    status.show("pages 2");
    await Promise.resolve();
    return 42;
  });
  assert.equal(result, 42);
  assert.deepEqual(seen, [`${CLEAR}pages 1${CLEAR}`]);
  assert.equal(
    terminal.text(),
    `${CLEAR}pages 1${CLEAR}log\n${CLEAR}pages 2`,
  );
  await assert.rejects(
    status.around(() => Promise.reject(new Error("boom"))),
    /boom/,
  );
  assert.ok(terminal.text().endsWith(`${CLEAR}${CLEAR}pages 2`));
});

import assert from "node:assert/strict";
import { createStdoutSink } from "../../src/sinks/stdout_sink.ts";
import { createDryRunSink } from "../../src/sinks/dry_run_sink.ts";
import { createStatusLine } from "../../src/log/status_line.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";

const RECORD = {
  action_id: 7,
  mpid: "mp",
  episode: {},
} as unknown as ActionRecord;

Deno.test("createStdoutSink() writes each page as JSON lines, even across short writes", async () => {
  const chunks: Uint8Array[] = [];
  const sink = createStdoutSink({
    output: {
      write(bytes) {
        const part = bytes.slice(0, 5); // a pipe may accept only part of a write
        chunks.push(part);
        return Promise.resolve(part.length);
      },
    },
  });
  await sink.deliver([RECORD, RECORD]);
  const text = new TextDecoder().decode(
    new Uint8Array(chunks.flatMap((c) => [...c])),
  );
  assert.deepEqual(
    text.trimEnd().split("\n").map((l) => JSON.parse(l).action_id),
    [7, 7],
  );
});

Deno.test("createStdoutSink() writes records with the progress line cleared from the terminal", async () => {
  const decoder = new TextDecoder();
  const terminal: string[] = [];
  const status = createStatusLine({
    output: {
      writeSync(bytes) {
        terminal.push(decoder.decode(bytes));
        return bytes.length;
      },
    },
  });
  status.show("pages 1");
  const sink = createStdoutSink({
    statusLine: status,
    output: {
      write(bytes) {
        terminal.push(decoder.decode(bytes));
        return Promise.resolve(bytes.length);
      },
    },
  });
  await sink.deliver([RECORD]);
  assert.deepEqual(terminal, [
    "\r\x1b[2Kpages 1",
    "\r\x1b[2K",
    `${JSON.stringify(RECORD)}\n`,
    "\r\x1b[2Kpages 1",
  ]);
});

Deno.test("createDryRunSink() counts records and keeps a small sample", async () => {
  const sink = createDryRunSink("sqs:q");
  await sink.deliver([RECORD, RECORD, RECORD, RECORD]);
  await sink.deliver([RECORD]);
  assert.equal(sink.count, 5);
  assert.equal(sink.sample.length, 3);
  assert.match(sink.description, /sqs:q/);
});

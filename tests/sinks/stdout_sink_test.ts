import assert from "node:assert/strict";
import {
  createStdoutSink,
  stdoutDiscards,
} from "../../src/sinks/stdout_sink.ts";
import { OutputError } from "../../src/errors.ts";
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

Deno.test("createStdoutSink() turns a failed write into one OutputError naming stdout and the cause", async () => {
  const failures: [Error, RegExp][] = [
    [new Deno.errors.BrokenPipe("Broken pipe (os error 32)"), /broken pipe/],
    [
      Object.assign(new Error("No space left on device (os error 28)"), {
        code: "ENOSPC",
      }),
      /no space left on the device/,
    ],
  ];
  for (const [failure, cause] of failures) {
    const sink = createStdoutSink({
      output: { write: () => Promise.reject(failure) },
    });
    await assert.rejects(
      sink.deliver([RECORD, RECORD]),
      (error: unknown) =>
        error instanceof OutputError && error.exitCode === 10 &&
        /^Cannot write to stdout: /.test(error.message) &&
        cause.test(error.message) && /2 records/.test(error.message) &&
        !error.message.includes("\n"),
    );
  }
});

Deno.test("createStdoutSink() refuses a stdout that goes nowhere (closed or /dev/null)", () => {
  assert.throws(
    () =>
      createStdoutSink({
        output: { write: (bytes) => Promise.resolve(bytes.length) },
        discards: () => true,
      }),
    (error: unknown) =>
      error instanceof OutputError &&
      /stdout: it is closed/.test(error.message),
  );
});

Deno.test("stdoutDiscards() is false for the test runner's stdout", () => {
  assert.equal(stdoutDiscards(), false);
});

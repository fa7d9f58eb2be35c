import assert from "node:assert/strict";
import { wrapDeliver } from "../../src/sinks/wrap_deliver.ts";
import type { RecordSink } from "../../src/sinks/record_sink.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import type { OutputPosition } from "../../src/checkpoint/checkpoint_format.ts";

const PAGE = [{ action_id: 1 } as unknown as ActionRecord];
const POSITION: OutputPosition = { path: "/tmp/out.jsonl", size: 10 };

/** A sink with every optional member, noting each call. */
function fullSink(calls: string[]): RecordSink {
  return {
    description: "full",
    deliver: () => Promise.resolve(void calls.push("deliver")),
    position: () => (calls.push("position"), POSITION),
    resume: (_position, redelivered) => {
      calls.push(`resume ${redelivered(PAGE[0]!)}`);
      return Promise.resolve(2);
    },
    report: () => void calls.push("report"),
    [Symbol.asyncDispose]: () => Promise.resolve(void calls.push("dispose")),
  };
}

Deno.test("wrapDeliver() replaces deliver and passes everything else through", async () => {
  const calls: string[] = [];
  const inner = fullSink(calls);
  const sink = wrapDeliver(inner, async (records) => {
    calls.push("wrapped");
    await inner.deliver(records);
  });
  assert.equal(sink.description, "full");
  await sink.deliver(PAGE);
  assert.equal(sink.position!(), POSITION);
  assert.equal(await sink.resume!(POSITION, () => true), 2);
  sink.report!({ stored: null, checkpoint: null });
  await sink[Symbol.asyncDispose]();
  assert.deepEqual(calls, [
    "wrapped",
    "deliver",
    "position",
    "resume true",
    "report",
    "dispose",
  ]);
});

Deno.test("wrapDeliver() adds no optional member the sink lacks", () => {
  const sink = wrapDeliver({
    description: "plain",
    deliver: () => Promise.resolve(),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  }, () => Promise.resolve());
  assert.deepEqual(
    [sink.position, sink.resume, sink.report],
    [undefined, undefined, undefined],
  );
});

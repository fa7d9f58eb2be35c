import assert from "node:assert/strict";
import { fenceSink } from "../../src/sinks/fenced_sink.ts";
import type { RecordSink } from "../../src/sinks/record_sink.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import { LockedError } from "../../src/errors.ts";

function recordingSink(): RecordSink & { pages: number } {
  const sink = {
    description: "memory",
    pages: 0,
    deliver() {
      sink.pages++;
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return sink;
}

const PAGE = [{ action_id: 1 } as unknown as ActionRecord];

Deno.test("fenceSink() delivers until the fence is aborted, then throws its reason and delivers nothing", async () => {
  const inner = recordingSink();
  const fence = new AbortController();
  const sink = fenceSink(inner, fence.signal);
  await sink.deliver(PAGE);
  const lost = new LockedError("Lost the run lock");
  fence.abort(lost);
  await assert.rejects(sink.deliver(PAGE), (error) => error === lost);
  assert.equal(inner.pages, 1);
  assert.equal(sink.position, undefined, "no position where the sink has none");
});

Deno.test("fenceSink() without a fence returns the sink itself", () => {
  const inner = recordingSink();
  assert.equal(fenceSink(inner, undefined), inner);
});

Deno.test("fenceSink() passes report() through, and adds none to a sink without one", () => {
  const reports: unknown[] = [];
  const inner = {
    ...recordingSink(),
    report: (run: unknown) => void reports.push(run),
  };
  const fence = new AbortController();
  const run = { stored: null, checkpoint: null };
  fenceSink(inner, fence.signal).report!(run);
  assert.deepEqual(reports, [run]);
  assert.equal(fenceSink(recordingSink(), fence.signal).report, undefined);
});

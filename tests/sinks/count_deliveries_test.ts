import assert from "node:assert/strict";
import { countDeliveries } from "../../src/sinks/count_deliveries.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";

const PAGE = [1, 2].map((id) => ({ action_id: id }) as unknown as ActionRecord);

Deno.test("countDeliveries() counts the records of pages that resolved, and keeps the sink's members", async () => {
  const reports: unknown[] = [];
  let fail = false;
  const sink = countDeliveries({
    description: "memory",
    deliver: () =>
      fail ? Promise.reject(new Error("refused")) : Promise.resolve(),
    report: (run) => void reports.push(run),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  });
  await sink.deliver(PAGE);
  fail = true;
  await assert.rejects(sink.deliver(PAGE), /refused/);
  assert.equal(sink.delivered, 2);
  assert.equal(sink.description, "memory");
  const run = { stored: null, checkpoint: null };
  sink.report!(run);
  assert.deepEqual(reports, [run]);
  assert.equal(sink.position, undefined);
});

import assert from "node:assert/strict";
import type { ActionRecord } from "../../src/record/action_record.ts";
import { DeliveryError } from "../../src/errors.ts";
import {
  buildSqsEntries,
  describeActionIds,
  planSqsBatches,
  type SqsEntry,
} from "../../src/sinks/_sqs_batches.ts";

function record(
  actionId: number,
  extra: Partial<ActionRecord> = {},
): ActionRecord {
  return {
    action_id: actionId,
    timestamp: "2017-03-01T19:05:09+00:00",
    mpid: `mp-${actionId % 3}`,
    session_id: "s1",
    huid: null,
    useragent: null,
    action: {
      type: "HEARTBEAT",
      inpoint: 0,
      outpoint: 30,
      length: 30,
      is_playing: true,
    },
    ip: "10.1.2.3",
    is_live: 0,
    episode: {},
    ...extra,
  };
}

function entry(id: number, bytes: number): SqsEntry {
  return { id: String(id), body: "x".repeat(bytes), bytes, actionId: id };
}

Deno.test("buildSqsEntries() uses the JSON record as body and the action id as entry id", () => {
  const records = [
    record(17),
    record(18, { episode: { title: "Entropie ⚛" } }),
  ];
  const entries = buildSqsEntries(records);
  assert.deepEqual(entries.map((e) => e.id), ["17", "18"]);
  assert.equal(entries[1]!.body, JSON.stringify(records[1]));
  assert.equal(
    entries[1]!.bytes,
    new TextEncoder().encode(entries[1]!.body).byteLength,
  );
  assert.notEqual(entries[1]!.bytes, entries[1]!.body.length);
  assert.equal(entries[0]!.groupId, undefined);
  assert.equal(entries[0]!.deduplicationId, undefined);
});

Deno.test("buildSqsEntries() counts the UTF-8 bytes of every body, long ones and astral characters included", () => {
  const titles = [
    "plain",
    "Entropie ⚛ und Ähnliches",
    "emoji 🎓 in a title",
    "ü".repeat(40_000),
    "🎓".repeat(30_000),
    "short again ⚛",
  ];
  const entries = buildSqsEntries(
    titles.map((title, i) => record(i, { episode: { title } })),
  );
  for (const entry of entries) {
    assert.equal(
      entry.bytes,
      new TextEncoder().encode(entry.body).byteLength,
      entry.body.slice(0, 40),
    );
  }
});

Deno.test("buildSqsEntries() keeps entry ids unique and within SQS's character set", () => {
  const entries = buildSqsEntries([record(5), record(5), record(1.5)]);
  assert.deepEqual(entries.map((e) => e.id), ["5", "5_1", "1_5"]);
  for (const e of entries) assert.match(e.id, /^[A-Za-z0-9_-]{1,80}$/);
});

Deno.test("buildSqsEntries() adds FIFO group and deduplication ids", () => {
  const [a, b] = buildSqsEntries([record(4), record(7, { mpid: "" })], {
    fifo: true,
  });
  assert.equal(a!.groupId, "mp-1");
  assert.equal(a!.deduplicationId, "4");
  assert.equal(b!.groupId, "ua-harvest");
  const [c] = buildSqsEntries([record(9)], {
    fifo: true,
    groupId: (r) => r.session_id ?? "",
  });
  assert.equal(c!.groupId, "s1");
});

Deno.test("planSqsBatches() puts at most 10 entries in a batch, in order", () => {
  const entries = Array.from({ length: 23 }, (_, i) => entry(i, 10));
  const batches = planSqsBatches(entries);
  assert.deepEqual(batches.map((b) => b.length), [10, 10, 3]);
  assert.deepEqual(
    batches.flat().map((e) => e.actionId),
    entries.map((e) => e.actionId),
  );
});

Deno.test("planSqsBatches() keeps each batch within the payload limit", () => {
  const entries = [
    entry(1, 400),
    entry(2, 400),
    entry(3, 200),
    entry(4, 1000),
    entry(5, 1),
  ];
  const batches = planSqsBatches(entries, { maxPayloadBytes: 1000 });
  assert.deepEqual(batches.map((b) => b.map((e) => e.actionId)), [[1, 2, 3], [
    4,
  ], [5]]);
  for (const batch of batches) {
    assert.ok(batch.reduce((sum, e) => sum + e.bytes, 0) <= 1000);
  }
});

Deno.test("planSqsBatches() returns no batches for no entries", () => {
  assert.deepEqual(planSqsBatches([]), []);
});

Deno.test("planSqsBatches() throws DeliveryError naming a record over the limit", () => {
  assert.throws(
    () =>
      planSqsBatches([entry(1, 10), entry(42, 1001)], {
        maxPayloadBytes: 1000,
      }),
    (error: unknown) =>
      error instanceof DeliveryError && /action 42\b/.test(error.message) &&
      /1001 bytes/.test(error.message),
  );
});

Deno.test("describeActionIds() names a few ids and counts the rest", () => {
  assert.equal(describeActionIds([1, 2, 3]), "1, 2, 3");
  assert.equal(
    describeActionIds([1, 2, 3, 4, 5, 6, 7], 5),
    "1, 2, 3, 4, 5 and 2 more",
  );
});

/**
 * Where records of Opencast and Matomo meet (one Elasticsearch index, one
 * FIFO queue), their ids must not collide: Matomo's `pageId`s and
 * Opencast's row ids both count from 1.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { ActionRecord } from "../../src/record/action_record.ts";
import { recordKey } from "../../src/record/record_key.ts";
import { toActionDocuments } from "../../src/sinks/elasticsearch_sink.ts";
import { buildSqsEntries } from "../../src/sinks/_sqs_batches.ts";

function record(fields: Partial<ActionRecord>): ActionRecord {
  return {
    action_id: 90412,
    timestamp: "2024-11-04T10:05:20+00:00",
    mpid: "3f6e0b2a-5d1c-4a8e-9b7f-1c2d3e4f5a6b",
    session_id: "14247",
    huid: null,
    useragent: null,
    action: {
      type: "PLAY",
      inpoint: null,
      outpoint: null,
      length: null,
      is_playing: null,
    },
    ip: "203.0.0.0",
    is_live: 0,
    episode: {},
    ...fields,
  };
}

const opencast = record({});
const matomo = record({ source: "matomo" });

Deno.test("recordKey() is Opencast's action_id as ever, and another source's with its name", () => {
  assert.equal(recordKey(opencast), "90412");
  assert.equal(recordKey(matomo), "matomo-90412");
});

Deno.test("an Opencast and a Matomo record with the same action_id get different Elasticsearch _ids in the same daily index", () => {
  const [a, b] = toActionDocuments([opencast, matomo], "useractions-");
  assert.equal(a!.index, b!.index);
  assert.deepEqual([a!.id, b!.id], ["90412", "matomo-90412"]);
});

Deno.test("an Opencast and a Matomo record with the same action_id get different FIFO deduplication ids", () => {
  const entries = buildSqsEntries([opencast, matomo], { fifo: true });
  assert.deepEqual(entries.map((e) => e.deduplicationId), [
    "90412",
    "matomo-90412",
  ]);
  assert.deepEqual(entries.map((e) => e.id), ["90412", "matomo-90412"]);
  assert.deepEqual(entries.map((e) => e.actionId), [90412, 90412]);
});

/**
 * The behaviour every {@linkcode RecordSink} promises the harvest, run
 * against each implementation by `record_sink_contract_test.ts` (as the
 * caches have `cache/_episode_cache_contract.ts`): a page resolves only once
 * every record of it is downstream, as the record's own JSON, once; a page
 * downstream refuses rejects with a typed error (exit code), so the
 * checkpoint never moves past it. A new sink is added there with its fixture.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RecordSink } from "../../src/sinks/record_sink.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import { UaHarvestError } from "../../src/errors.ts";
import { recordExample } from "../support/record_example.ts";

/** A sink under test and what reached the downstream it writes to. */
export interface SinkFixture extends AsyncDisposable {
  readonly sink: RecordSink;
  /** Every record downstream holds, parsed from what was written, in no particular order. */
  stored(): Promise<Record<string, unknown>[]>;
}

/** How to open the sink under test. */
export interface SinkContractOptions {
  /** A sink with a working downstream. */
  open(): Promise<SinkFixture>;
  /** A sink whose downstream refuses every record (it may open fine). */
  openRefusing(): Promise<SinkFixture>;
}

/** Record `id` of a page: the schema's example with its own id, time and session. */
export function pageRecord(id: number): ActionRecord {
  return recordExample({
    action_id: id,
    timestamp: `2017-03-01T19:05:${String(id % 60).padStart(2, "0")}+00:00`,
    session_id: `s${id}`,
  });
}

function page(from: number, count: number): ActionRecord[] {
  return Array.from({ length: count }, (_, i) => pageRecord(from + i));
}

function ids(stored: readonly Record<string, unknown>[]): number[] {
  return stored.map((r) => r.action_id as number).sort((a, b) => a - b);
}

/** Registers the contract tests for one implementation. */
export function defineRecordSinkContract(
  name: string,
  options: SinkContractOptions,
): void {
  Deno.test(`${name} holds every record of a delivered page once, as its JSON, with a description`, async () => {
    await using fixture = await options.open();
    const records = page(1, 25);
    await fixture.sink.deliver(records);
    const stored = await fixture.stored();
    assert.deepEqual(ids(stored), records.map((r) => r.action_id));
    const byId = new Map(stored.map((r) => [r.action_id, r]));
    for (const record of records) {
      assert.deepEqual(
        byId.get(record.action_id),
        JSON.parse(JSON.stringify(record)),
      );
    }
    assert.ok(fixture.sink.description.length > 0);
  });

  Deno.test(`${name} adds each page to the ones before, and an empty page writes nothing`, async () => {
    await using fixture = await options.open();
    await fixture.sink.deliver(page(1, 3));
    await fixture.sink.deliver([]);
    await fixture.sink.deliver(page(4, 2));
    assert.deepEqual(ids(await fixture.stored()), [1, 2, 3, 4, 5]);
  });

  Deno.test(`${name} rejects a page downstream refuses with a typed error, so the checkpoint stays`, async () => {
    await using fixture = await options.openRefusing();
    await assert.rejects(
      fixture.sink.deliver(page(1, 3)),
      (error: unknown) =>
        error instanceof UaHarvestError && error.exitCode > 1 &&
        error.message.length > 0,
    );
    assert.deepEqual(await fixture.stored(), []);
  });
}

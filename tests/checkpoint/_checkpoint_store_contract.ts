/**
 * The behaviour every {@linkcode CheckpointStore} promises, run against each
 * implementation by `checkpoint_store_contract_test.ts` (as the caches have
 * `cache/_episode_cache_contract.ts`): text in, the same text out, on the
 * store's one location, and fenced writes, so two runs on one checkpoint
 * never both move it. A new store is added there with its fixture.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import { LockedError } from "../../src/errors.ts";
import { assertSecondRunFenced } from "../support/assert_second_run_fenced.ts";

/** One checkpoint location, and stores on it (each one a run). */
export interface StoreFixture extends AsyncDisposable {
  /** What every store on the location describes itself as. */
  readonly description: string;
  /** Opens another store on the location (another run); the fixture closes it. */
  open(): Promise<CheckpointStore>;
  /** Writes the location behind the stores' back (the original, another tool). */
  put(text: string): Promise<void>;
  /** What the location holds, read behind the stores' back; null when nothing. */
  stored(): Promise<string | null>;
}

/** Registers the contract tests for one implementation. */
export function defineCheckpointStoreContract(
  name: string,
  open: () => Promise<StoreFixture>,
): void {
  Deno.test(`${name} loads null before the first save and describes its location`, async () => {
    await using fixture = await open();
    const store = await fixture.open();
    assert.equal(await store.load(), null);
    assert.equal(store.description, fixture.description);
  });

  Deno.test(`${name} loads what it saved, replaced on each save, and so does the next run`, async () => {
    await using fixture = await open();
    const store = await fixture.open();
    const text =
      '{"version":2,"timestamp":"20170301190509","ids":[90411,90412]}\n';
    await store.save(text);
    assert.equal(await store.load(), text);
    assert.equal(await fixture.stored(), text);
    await store.save("20170301190510");
    assert.equal(await store.load(), "20170301190510");
    const next = await fixture.open();
    assert.equal(await next.load(), "20170301190510");
  });

  Deno.test(`${name} reads the original's bare timestamp verbatim`, async () => {
    await using fixture = await open();
    await fixture.put("20170301190509");
    const store = await fixture.open();
    assert.equal(await store.load(), "20170301190509");
  });

  Deno.test(`${name} fences its writes: after another run moved the checkpoint, save() throws LockedError naming it`, async () => {
    await using fixture = await open();
    await fixture.put("20240101000000");
    const refusal = await assertSecondRunFenced(
      await fixture.open(),
      await fixture.open(),
    );
    assert.ok(refusal.message.includes(fixture.description), refusal.message);
    assert.equal(await fixture.stored(), "20240101000200");
  });

  Deno.test(`${name} fences the first write: two runs that found nothing cannot both create it`, async () => {
    await using fixture = await open();
    const first = await fixture.open();
    const second = await fixture.open();
    assert.equal(await first.load(), null);
    assert.equal(await second.load(), null);
    await second.save("B");
    await assert.rejects(first.save("A"), LockedError);
    assert.equal(await fixture.stored(), "B");
  });
}

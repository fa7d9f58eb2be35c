import assert from "node:assert/strict";
import { reportUnrecorded } from "../../src/checkpoint/report_unrecorded.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import {
  EXIT_CODES,
  LockedError,
  StateError,
  UnrecordedDeliveryError,
} from "../../src/errors.ts";

/** A store whose saves fail while `failure` is set. */
function scriptedStore() {
  const saved: string[] = [];
  const state: { failure?: Error } = {};
  const store: CheckpointStore = {
    description: "/state/checkpoint.json",
    load: () => Promise.resolve(null),
    save(text) {
      if (state.failure) return Promise.reject(state.failure);
      saved.push(text);
      return Promise.resolve();
    },
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  return { store, saved, state };
}

Deno.test("reportUnrecorded() turns a failed save after deliveries into exit 12 naming the records since the last save", async () => {
  const { store, saved, state } = scriptedStore();
  let delivered = 0;
  const guarded = reportUnrecorded(store, () => delivered);
  delivered = 1000;
  await guarded.save("a");
  delivered = 1700;
  state.failure = new StateError(
    "Cannot write the checkpoint file /state/checkpoint.json: no space left on device; free space",
  );
  await assert.rejects(guarded.save("b"), (error: unknown) => {
    assert.ok(error instanceof UnrecordedDeliveryError);
    assert.equal(error.exitCode, EXIT_CODES.unrecorded);
    assert.equal(error.records, 700);
    assert.equal(
      error.message,
      "700 records were delivered but not recorded, so the next run delivers them again: Cannot write the checkpoint file /state/checkpoint.json: no space left on device; free space",
    );
    return true;
  });
  assert.deepEqual(saved, ["a"]);
});

Deno.test("reportUnrecorded() passes a failure through when nothing was delivered since the last save", async () => {
  const { store, state } = scriptedStore();
  const guarded = reportUnrecorded(store, () => 0);
  state.failure = new StateError("Cannot write");
  await assert.rejects(guarded.save("a"), StateError);
});

Deno.test("reportUnrecorded() leaves a fenced save (another run moved the checkpoint) as the lock error", async () => {
  const { store, state } = scriptedStore();
  const guarded = reportUnrecorded(store, () => 5);
  state.failure = new LockedError("Another run moved the checkpoint");
  await assert.rejects(guarded.save("a"), LockedError);
});

Deno.test("reportUnrecorded() says 'record was' for one", async () => {
  const { store, state } = scriptedStore();
  const guarded = reportUnrecorded(store, () => 1);
  state.failure = new Error("disk gone");
  await assert.rejects(guarded.save("a"), {
    message:
      "1 record was delivered but not recorded, so the next run delivers it again: disk gone",
  });
});

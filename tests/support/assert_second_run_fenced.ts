/**
 * The fencing scenario every checkpoint store must pass, shared so the file
 * and S3 stores are held to the same steps.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import { LockedError } from "../../src/errors.ts";

/**
 * Two runs' stores on a checkpoint holding `20240101000000`: both load it,
 * the first saves `20240101000100` and then `20240101000200` (its own last
 * write is its fence, so it keeps saving), and the second's save of
 * `20240101000105` must be refused with a {@linkcode LockedError} (exit 8).
 *
 * @param first The store of the run that moves the checkpoint.
 * @param second The store of the run that must be fenced off.
 * @returns The refusal, for the store's own checks of its message.
 */
export async function assertSecondRunFenced(
  first: CheckpointStore,
  second: CheckpointStore,
): Promise<LockedError> {
  assert.equal(await first.load(), "20240101000000");
  assert.equal(await second.load(), "20240101000000");
  await first.save("20240101000100");
  await first.save("20240101000200");
  const error = await second.save("20240101000105").then(
    () => assert.fail("the second run's save went through"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof LockedError, `not a LockedError: ${error}`);
  assert.equal(error.exitCode, 8);
  return error;
}

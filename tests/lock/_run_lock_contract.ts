/**
 * The behaviour every {@linkcode RunLock} promises, run against each
 * implementation by `run_lock_contract_test.ts` (as the caches have
 * `cache/_episode_cache_contract.ts`): one holder at a time, the next run in
 * once released, and no lock outliving a run that died. A new lock is added
 * there with its fixture.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RunLock } from "../../src/lock/run_lock.ts";
import { LockedError } from "../../src/errors.ts";

/** What a run that died holding the lock left behind. */
export interface DeadHolder {
  /** Whether the lock stays held until it expires (a Redis key), or is free at once (a file lock the kernel dropped). */
  readonly heldUntilExpiry: boolean;
  /** Lets the time pass until it has expired. */
  expire(): Promise<void>;
}

/** One lock location and runs that take it. */
export interface LockFixture extends AsyncDisposable {
  /** What is locked, as the description and a refusal name it. */
  readonly location: string;
  /** Takes the lock, as a run would. */
  acquire(): Promise<RunLock>;
  /** Leaves the lock as a run that died holding it leaves it. */
  leaveDeadHolder(): Promise<DeadHolder>;
}

/** Registers the contract tests for one implementation. */
export function defineRunLockContract(
  name: string,
  open: () => Promise<LockFixture>,
): void {
  Deno.test(`${name} refuses a second holder with a LockedError naming what is locked`, async () => {
    await using fixture = await open();
    await using lock = await fixture.acquire();
    assert.ok(lock.description.includes(fixture.location), lock.description);
    await assert.rejects(
      fixture.acquire(),
      (error: unknown) =>
        error instanceof LockedError && error.exitCode === 8 &&
        error.message.includes(fixture.location),
    );
  });

  Deno.test(`${name} lets the next run in once released`, async () => {
    await using fixture = await open();
    {
      await using _lock = await fixture.acquire();
    }
    await using again = await fixture.acquire();
    assert.ok(again.description.includes(fixture.location));
  });

  Deno.test(`${name} does not outlive a run that died holding it`, async () => {
    await using fixture = await open();
    const dead = await fixture.leaveDeadHolder();
    if (dead.heldUntilExpiry) {
      await assert.rejects(fixture.acquire(), LockedError);
    }
    await dead.expire();
    await using lock = await fixture.acquire();
    assert.ok(lock.description.includes(fixture.location));
  });
}

/**
 * A clock the test drives, for `main()`'s `clock` and anything else that
 * takes a `Clock`: its time moves only when the test says so, and each pause
 * lasts until the test moves the time past it (or the run's signal ends it),
 * so a test waits for "the run is pausing" instead of a guessed number of
 * milliseconds.
 *
 * @module
 */
import type { Clock } from "../../src/util/clock.ts";

interface Pause {
  readonly ms: number;
  readonly due: number;
  readonly resolve: () => void;
}

/** A {@linkcode Clock} that moves only with {@linkcode TestClock.advance}. */
export class TestClock implements Clock {
  #start: Temporal.Instant;
  #elapsedMs = 0;
  #pending = new Set<Pause>();
  #started: number[] = [];
  #waiters: (() => void)[] = [];

  /** @param start Its time at first. @default the real now */
  constructor(start: Temporal.Instant = Temporal.Now.instant()) {
    this.#start = start;
  }

  now(): Temporal.Instant {
    return this.#start.add({ milliseconds: this.#elapsedMs });
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const pause: Pause = {
        ms,
        due: this.#elapsedMs + ms,
        resolve: () => {
          this.#pending.delete(pause);
          signal?.removeEventListener("abort", pause.resolve);
          resolve();
        },
      };
      this.#pending.add(pause);
      signal?.addEventListener("abort", pause.resolve, { once: true });
      this.#started.push(ms);
      this.#waiters.splice(0).forEach((wake) => wake());
    });
  }

  /** The length of every pause begun so far, in order. */
  get pauses(): readonly number[] {
    return this.#started;
  }

  /**
   * Resolves with the length of a pause that is under way (at once if one
   * is); throws when none begins within `timeoutMs` of real time.
   */
  async nextPause(timeoutMs = 20_000): Promise<number> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`No pause began within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      while (this.#pending.size === 0) {
        await Promise.race([
          new Promise<void>((wake) => this.#waiters.push(wake)),
          timeout,
        ]);
      }
      return [...this.#pending][0]!.ms;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Moves the time on by `ms`, ending the pauses that are then over. */
  advance(ms: number): void {
    this.#elapsedMs += ms;
    for (const pause of [...this.#pending]) {
      if (pause.due <= this.#elapsedMs) pause.resolve();
    }
  }
}

/**
 * `openMatomoSource()` takes its pauses on the clock it is given: the
 * `--wait` pause between list pages and the waits between attempts of a
 * request Matomo refused for a while, so a run's time stays injectable.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openMatomoSource } from "../../../src/source/matomo/open_matomo_source.ts";
import type { SourceWindow } from "../../../src/source/action_source.ts";
import type { Clock } from "../../../src/util/clock.ts";
import type { MatomoSimulator } from "../../../src/simulate/start_matomo_simulator.ts";
import { matomoSimulator } from "../../support/simulator.ts";

const SPAN_END = Temporal.Instant.from("2024-11-04T12:00:00Z");

/** A clock where no time passes; it keeps the pauses asked of it. */
function recordingClock(): Clock & { readonly pauses: number[] } {
  const pauses: number[] = [];
  return {
    pauses,
    now: () => SPAN_END,
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
  };
}

/** The source on `sim`'s site with these settings, its pauses on `clock`. */
function openOn(
  sim: MatomoSimulator,
  clock: Clock,
  options: { readonly waitSeconds?: number; readonly maxAttempts?: number },
) {
  return openMatomoSource({
    url: sim.url,
    tokenAuth: sim.tokenAuth,
    siteId: sim.idSite,
    overlapMinutes: 30,
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  }, { waitSeconds: options.waitSeconds ?? 0, clock });
}

function window(start: Temporal.Instant, end: Temporal.Instant): SourceWindow {
  return {
    start,
    end,
    skipIds: new Set(),
    mark: null,
    position: undefined,
    continuesCheckpoint: false,
  };
}

Deno.test("openMatomoSource() pauses --wait between list pages on the clock it is given", async () => {
  await using sim = await matomoSimulator({ spanEnd: SPAN_END, actions: 3000 });
  // No request fails here, so every pause is a --wait pause.
  const clock = recordingClock();
  const source = await openOn(sim, clock, { waitSeconds: 2 });
  let pages = 0;
  const read = source.read(
    window(SPAN_END.subtract({ hours: 6 }), SPAN_END),
  );
  for await (const batch of read) pages += batch.pages;
  assert.ok(pages >= 2, `${pages} list requests`);
  // Before every list request but the first, and nothing else.
  assert.deepEqual(clock.pauses, Array(pages - 1).fill(2000));
});

Deno.test("openMatomoSource() waits between the attempts of a refused request on the clock it is given", async () => {
  await using sim = await matomoSimulator({
    spanEnd: SPAN_END,
    actions: 300,
    seed: 5,
    failRate: 0.5,
  });
  const clock = recordingClock();
  const source = await openOn(sim, clock, { maxAttempts: 20 });
  for await (
    const _ of source.read(window(SPAN_END.subtract({ hours: 2 }), SPAN_END))
  ) {
    // Read to the end.
  }
  assert.ok(clock.pauses.length >= 1, "some request was refused and retried");
  assert.ok(clock.pauses.every((ms) => ms > 0), `${clock.pauses}`);
});

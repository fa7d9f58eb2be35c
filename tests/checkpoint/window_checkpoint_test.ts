import assert from "node:assert/strict";
import fc from "fast-check";
import {
  createWindowCheckpoint,
  type DeliveredBatch,
  type WindowCheckpoint,
} from "../../src/checkpoint/window_checkpoint.ts";
import type {
  Checkpoint,
  SourcePosition,
} from "../../src/checkpoint/checkpoint_format.ts";
import { BASE, END, plain } from "./_window_seconds.ts";

/** An action created `second` seconds after BASE. */
function action(id: number, second: number) {
  return {
    id,
    created: new Date((BASE + second) * 1000).toISOString().replace(
      "Z",
      "+00:00",
    ),
  };
}

Deno.test("createWindowCheckpoint() saves after each batch in created order, and at the end only what is new", () => {
  const window = createWindowCheckpoint({ start: null, end: END });
  const first = window.delivered(0, {
    actions: [action(1, 1), action(2, 2), action(3, 2)],
    position: "p1",
  });
  assert.deepEqual(plain(first.save), {
    second: 2,
    ids: [2, 3],
    position: "p1",
  });
  // Older actions only: the mark stays, nothing new to save.
  assert.equal(
    window.delivered(1, { actions: [action(4, 1)] }).save,
    undefined,
  );
  assert.deepEqual(plain(window.reached), plain(first.save));
  assert.equal(window.finish(2), undefined, "the last save says it already");
});

Deno.test("createWindowCheckpoint() of a window that delivered nothing saves its end, with the source's position", () => {
  const start: Checkpoint = {
    timestamp: Temporal.Instant.fromEpochMilliseconds(BASE * 1000),
    ids: [9],
    position: "old",
  };
  const window = createWindowCheckpoint({ start, end: END });
  assert.equal(
    window.delivered(0, { actions: [], position: "new" }).save,
    undefined,
    "a batch that delivered nothing is saved with the next one, or at the end",
  );
  assert.deepEqual(plain(window.finish(1)), {
    second: 3600,
    ids: [],
    position: "new",
  });
});

Deno.test("createWindowCheckpoint() counts a batch delivered early only once every batch before it is", () => {
  const window = createWindowCheckpoint({ start: null, end: END });
  assert.deepEqual(
    window.delivered(1, { actions: [action(3, 3)], position: "after 1" }),
    {},
    "batch 0 is not delivered yet",
  );
  assert.equal(window.reached, null);
  const { save } = window.delivered(0, {
    actions: [action(1, 1)],
    position: "after 0",
  });
  assert.deepEqual(plain(save), { second: 3, ids: [3], position: "after 1" });
  assert.throws(
    () => window.delivered(1, { actions: [] }),
    RangeError,
    "a batch is counted once",
  );
});

Deno.test("createWindowCheckpoint() saves nothing past a batch that failed, and cannot finish", () => {
  const window = createWindowCheckpoint({ start: null, end: END });
  window.delivered(0, { actions: [action(1, 1)] });
  window.failed(1);
  assert.deepEqual(window.delivered(2, { actions: [action(3, 9)] }), {});
  assert.deepEqual(plain(window.reached), {
    second: 1,
    ids: [1],
    position: undefined,
  });
  assert.throws(() => window.finish(3), RangeError);
});

Deno.test("createWindowCheckpoint() saves only at the window's end once a batch goes back further than the hold-back", () => {
  const window = createWindowCheckpoint({
    start: null,
    end: END,
    holdBackSeconds: 10,
  });
  const saves = [
    window.delivered(0, { actions: [action(1, 30)] }),
    // 25 s back: within the hold-back, still in order.
    window.delivered(1, { actions: [action(2, 25), action(3, 40)] }),
    // 15 s back from 40: out of order.
    window.delivered(2, { actions: [action(4, 25)] }),
    window.delivered(3, { actions: [action(5, 50)] }),
  ];
  assert.deepEqual(saves.map((answer) => plain(answer.save)?.second), [
    20,
    30,
    undefined,
    undefined,
  ]);
  assert.equal(saves[2]!.outOfOrder?.batch, 2);
  assert.equal(
    saves[2]!.outOfOrder?.oldest.toString(),
    "2024-03-01T15:00:25Z",
  );
  assert.equal(saves[3]!.outOfOrder, undefined, "told once");
  assert.deepEqual(plain(window.finish(4)), {
    second: 40,
    ids: [3, 5],
    position: undefined,
  });
});

Deno.test("createWindowCheckpoint() takes a vouched batch's old actions for what they are: not out of order, saved with its position", () => {
  const window = createWindowCheckpoint({
    start: null,
    end: END,
    holdBackSeconds: 10,
  });
  window.delivered(0, { actions: [action(1, 40)] });
  // Minutes older, but the source vouches for them: its position says they
  // were delivered, the mark need not.
  const vouched = window.delivered(1, {
    actions: [action(2, 5)],
    position: { known: [1, 2] },
    vouched: true,
  });
  assert.equal(vouched.outOfOrder, undefined);
  assert.deepEqual(plain(vouched.save), {
    second: 30,
    ids: [1],
    position: { known: [1, 2] },
  });
  // The same batch unvouched goes back further than the hold-back.
  const plainWindow = createWindowCheckpoint({
    start: null,
    end: END,
    holdBackSeconds: 10,
  });
  plainWindow.delivered(0, { actions: [action(1, 40)] });
  const unvouched = plainWindow.delivered(1, { actions: [action(2, 5)] });
  assert.equal(unvouched.outOfOrder?.batch, 1);
  assert.equal(unvouched.save, undefined);
});

Deno.test("createWindowCheckpoint() with an output position saves after every batch that delivered, moved or not", () => {
  for (const saveEveryDelivery of [true, false]) {
    const window = createWindowCheckpoint({
      start: null,
      end: END,
      holdBackSeconds: 10,
      saveEveryDelivery,
    });
    window.delivered(0, { actions: [action(1, 5)] });
    // Older, within the hold-back: the mark does not move.
    const older = window.delivered(1, { actions: [action(2, 1)] });
    assert.equal(older.save !== undefined, saveEveryDelivery);
    assert.equal(window.delivered(2, { actions: [] }).save, undefined);
  }
});

Deno.test("createWindowCheckpoint() keeps the start's position until a batch gives one, and null clears it", () => {
  const start: Checkpoint = {
    timestamp: Temporal.Instant.fromEpochMilliseconds(BASE * 1000),
    ids: [],
    position: { cursor: 1 },
  };
  const window = createWindowCheckpoint({ start, end: END });
  assert.deepEqual(
    window.delivered(0, { actions: [action(1, 1)] }).save?.position,
    { cursor: 1 },
  );
  const cleared = window.delivered(1, { actions: [], position: null });
  assert.equal(cleared.save, undefined);
  assert.ok(!("position" in window.reached!));
});

// --- Properties -------------------------------------------------------------

/** Batches of actions with unique ids; `ordered` keeps each batch within the hold-back of the ones before. */
function batchesArb(holdBackSeconds: number, ordered: boolean) {
  return fc.array(
    fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 5 }),
    { maxLength: 8 },
  ).map((seconds) => {
    let id = 0;
    let newest = -Infinity;
    return seconds.map((batch): DeliveredBatch => {
      const placed = ordered
        ? batch.map((s) => Math.max(s, newest - holdBackSeconds))
        : batch;
      newest = Math.max(newest, ...placed);
      const position: SourcePosition = { after: id };
      return {
        actions: placed.map((s) => action(++id, s)),
        position,
      };
    });
  });
}

/** The order completions arrive in, each a delivery or (rarely) a failure. */
function eventsArb(count: number) {
  return fc.tuple(
    fc.shuffledSubarray([...Array(count).keys()], {
      minLength: count,
      maxLength: count,
    }),
    fc.array(fc.boolean(), { minLength: count, maxLength: count }),
    fc.boolean(),
  ).map(([order, fails, anyFail]) =>
    order.map((index, i) => ({
      index,
      fails: anyFail && fails[i]! && i % 3 === 0,
    }))
  );
}

const OPTIONS = fc.record({
  holdBackSeconds: fc.constantFrom(0, 10),
  saveEveryDelivery: fc.boolean(),
});

/** What a tracker reaches after batches 0 … k-1, told in order. */
function inOrder(
  options: { holdBackSeconds: number; saveEveryDelivery: boolean },
  batches: readonly DeliveredBatch[],
  k: number,
): WindowCheckpoint {
  const reference = createWindowCheckpoint({
    start: null,
    end: END,
    ...options,
  });
  for (let i = 0; i < k; i++) reference.delivered(i, batches[i]!);
  return reference;
}

/** Runs the events; calls `check` at every save with the batches delivered then. */
function run(
  options: { holdBackSeconds: number; saveEveryDelivery: boolean },
  batches: readonly DeliveredBatch[],
  events: readonly { index: number; fails: boolean }[],
  check: (save: Checkpoint, delivered: ReadonlySet<number>) => void,
) {
  const window = createWindowCheckpoint({ start: null, end: END, ...options });
  const delivered = new Set<number>();
  let failed = false;
  const saves: Checkpoint[] = [];
  for (const { index, fails } of events) {
    if (fails) {
      window.failed(index);
      failed = true;
      continue;
    }
    delivered.add(index);
    const { save } = window.delivered(index, batches[index]!);
    if (save) {
      saves.push(save);
      check(save, delivered);
    }
  }
  return { window, saves, failed };
}

/** The length of the run of delivered batches from 0. */
function prefix(delivered: ReadonlySet<number>): number {
  let k = 0;
  while (delivered.has(k)) k++;
  return k;
}

Deno.test("createWindowCheckpoint() in any interleaving of completions and failures saves only what batches delivered without a gap reach", () => {
  fc.assert(
    fc.property(
      OPTIONS,
      OPTIONS.chain(({ holdBackSeconds }) => batchesArb(holdBackSeconds, false))
        .chain((batches) =>
          fc.tuple(fc.constant(batches), eventsArb(batches.length))
        ),
      (options, [batches, events]) => {
        const { saves } = run(options, batches, events, (save, delivered) => {
          // The save is what an in-order run reaches after some prefix of
          // delivered batches: it never passes a batch not delivered.
          const k = prefix(delivered);
          const matches = [...Array(k + 1).keys()].some((j) =>
            j > 0 &&
            assertEqualPlain(inOrder(options, batches, j).reached, save)
          );
          assert.ok(
            matches,
            `save ${JSON.stringify(plain(save))} within ${k} batches`,
          );
        });
        // Saved checkpoints never go back.
        for (let i = 1; i < saves.length; i++) {
          assert.ok(
            Temporal.Instant.compare(
              saves[i]!.timestamp,
              saves[i - 1]!.timestamp,
            ) >= 0,
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("createWindowCheckpoint() with batches in created order never saves past an action not delivered yet, and a finished window saves its end", () => {
  fc.assert(
    fc.property(
      OPTIONS.chain((options) =>
        fc.tuple(
          fc.constant(options),
          batchesArb(options.holdBackSeconds, true).chain((batches) =>
            fc.tuple(fc.constant(batches), eventsArb(batches.length))
          ),
        )
      ),
      ([options, [batches, events]]) => {
        const { window, saves, failed } = run(
          options,
          batches,
          events,
          (save, delivered) => {
            // A run starting from the save delivers every action not
            // delivered yet: later than its second, or in it and not
            // among its ids.
            const second = save.timestamp.epochMilliseconds / 1000;
            batches.forEach((batch, index) => {
              if (delivered.has(index)) return;
              for (const a of batch.actions) {
                const s = Date.parse(a.created) / 1000;
                assert.ok(
                  s > second || (s === second && !save.ids.includes(a.id)),
                  `action ${a.id} of batch ${index} is behind ${
                    JSON.stringify(plain(save))
                  }`,
                );
              }
            });
          },
        );
        if (failed) {
          assert.throws(() => window.finish(batches.length), RangeError);
          return;
        }
        const last = window.finish(batches.length) ?? saves.at(-1);
        assert.ok(last, "a finished window has saved");
        // What an in-order run finishes at.
        const reference = inOrder(options, batches, batches.length);
        const expected = reference.finish(batches.length) ?? reference.reached;
        assert.ok(assertEqualPlain(expected, last));
        // Nothing delivered is delivered again from there, and a window that
        // delivered nothing moved to its end (held back like any mark).
        const all = batches.flatMap((b) => b.actions);
        const second = last.timestamp.epochMilliseconds / 1000;
        for (const a of all) {
          assert.ok(
            Date.parse(a.created) / 1000 < second || last.ids.includes(a.id),
          );
        }
        if (all.length === 0) {
          assert.equal(
            last.timestamp.toString(),
            END.subtract({ seconds: options.holdBackSeconds }).toString(),
          );
        }
        assert.deepEqual(
          last.position,
          batches.at(-1)?.position,
          "the position of the last batch",
        );
      },
    ),
    { numRuns: 300 },
  );
});

function assertEqualPlain(a: Checkpoint | null | undefined, b: Checkpoint) {
  return JSON.stringify(plain(a)) === JSON.stringify(plain(b));
}

Deno.test("createWindowCheckpoint() saves nothing after a provisional batch, and the next batch saves what both reach", () => {
  const window = createWindowCheckpoint({ start: null, end: END });
  const first = window.delivered(0, {
    actions: [action(2, 5)],
    provisional: true,
  });
  assert.equal(first.save, undefined);
  // The page's last part moves nothing further, yet saves the first's mark.
  const last = window.delivered(1, { actions: [action(1, 5)] });
  assert.deepEqual(plain(last.save), {
    second: 5,
    ids: [1, 2],
    position: undefined,
  });
});

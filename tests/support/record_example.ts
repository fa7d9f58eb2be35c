/**
 * The action record of record-schema.md §1's example, written out by hand in
 * the contract's field order: what `buildRecord` must produce byte for byte
 * from `record/build_record_test.ts`'s action and episode, and a realistic
 * record for sink tests.
 *
 * @module
 */
import type { ActionRecord } from "../../src/record/action_record.ts";

/** The example's episode fields, in the contract's order. */
export const EPISODE_FIELDS_EXAMPLE: Readonly<Record<string, unknown>> = {
  title: "Lecture 4: Entropy",
  duration: 4213000,
  start: "2017-02-28T15:00:00Z",
  course: "PHYS 181",
  series: "20170112345",
  year: "2017",
  term: "01",
  cdn: "12345",
  type: "L04",
  description: "Statistical mechanics",
};

/** The example record (a fresh copy each call, so a test may change it). */
export function recordExample(
  overrides: Partial<ActionRecord> = {},
): ActionRecord {
  return {
    action_id: 90412,
    timestamp: "2017-03-01T19:05:09+00:00",
    mpid: "3f6e0b2a-5d1c-4a8e-9b7f-1c2d3e4f5a6b",
    session_id: "k1a9s8d7f6",
    huid: "10564321",
    useragent: "Mozilla/5.0 (X11; Linux x86_64)",
    action: {
      type: "HEARTBEAT",
      inpoint: 1200,
      outpoint: 1230,
      length: 30,
      is_playing: true,
    },
    ip: "10.1.2.3",
    proxy1: "192.0.2.10",
    is_live: 0,
    episode: { ...EPISODE_FIELDS_EXAMPLE },
    ...overrides,
  };
}

/**
 * The example's episode fields with some changed and some left out, the rest
 * in the contract's order.
 *
 * @example
 * ```ts
 * expectedEpisodeFields({ series: "2016" }, ["course"]);
 * ```
 */
export function expectedEpisodeFields(
  changes: Readonly<Record<string, unknown>> = {},
  omit: readonly string[] = [],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ ...EPISODE_FIELDS_EXAMPLE, ...changes }).filter(([key]) =>
      !omit.includes(key)
    ),
  );
}

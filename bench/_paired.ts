/**
 * Paired measurements for a noisy, shared machine: each round runs every
 * scenario once beside the baseline, so a scenario's extra time is taken
 * round by round (the machine's speed drifts between rounds, less within
 * one), and the median of those is quoted.
 *
 * @module
 */

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    throw new RangeError("Cannot take the median of no values");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** What {@linkcode pairedExtra} makes of one scenario. */
export interface PairedExtra {
  /** The scenario's median. */
  readonly median: number;
  /** The baseline's median over the same rounds. */
  readonly baseline: number;
  /** The median of the round-by-round differences (scenario − baseline). */
  readonly extra: number;
  /** The smallest and largest of those differences. */
  readonly min: number;
  readonly max: number;
}

/**
 * A scenario against the baseline measured in the same rounds.
 *
 * @param scenario One value per round.
 * @param baseline One value per round, the same rounds in the same order.
 * @throws {RangeError} When the two were not measured in the same rounds.
 */
export function pairedExtra(
  scenario: readonly number[],
  baseline: readonly number[],
): PairedExtra {
  if (scenario.length !== baseline.length) {
    throw new RangeError(
      `Cannot pair ${scenario.length} runs with ${baseline.length}: each round measures both`,
    );
  }
  const extras = scenario.map((value, i) => value - baseline[i]!);
  return {
    median: median(scenario),
    baseline: median(baseline),
    extra: median(extras),
    min: Math.min(...extras),
    max: Math.max(...extras),
  };
}

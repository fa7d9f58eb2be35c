import assert from "node:assert/strict";
import {
  atLeast,
  atMost,
  createBenchReport,
  MISSED,
} from "../../bench/_report.ts";

Deno.test("createBenchReport() prints each step and row as it comes, marking a row that misses its target", () => {
  const lines: string[] = [];
  let clock = 0;
  const report = createBenchReport(["what", "measured", "ratio"], {
    write: (line) => void lines.push(line),
    now: () => clock,
  });
  clock = 1200;
  report.progress("fetch limit: 46.8k/s");
  assert.deepEqual(lines, ["[   1.2 s] fetch limit: 46.8k/s"]);
  report.row({
    cells: ["harvest → SQS, cold", "9.3k/s", "0.73"],
    target: { goal: atLeast(0.8), value: 0.73 },
  });
  report.row({
    cells: ["harvest → stdout, cold", "34.8k/s", "0.74"],
    target: { goal: atLeast(0.5), value: 0.74 },
  });
  report.row({ cells: ["peak RSS (MiB)", "115", ""] });
  assert.deepEqual(lines.slice(1), [
    `[   1.2 s] harvest → SQS, cold: 9.3k/s, 0.73, target ≥ 0.8  ${MISSED}`,
    "[   1.2 s] harvest → stdout, cold: 34.8k/s, 0.74, target ≥ 0.5  ok",
    "[   1.2 s] peak RSS (MiB): 115",
  ]);
  assert.equal(report.missed, 1);
  const table = report.table().split("\n");
  assert.match(table[0]!, /^what +measured +ratio +target$/);
  assert.match(table[1]!, /^harvest → SQS, cold .* ≥ 0\.8 +✗ missed$/);
  assert.match(table[2]!, /^harvest → stdout, cold .* ≥ 0\.5$/);
});

Deno.test("atLeast() and atMost() say whether a value meets the target, bounds included", () => {
  assert.equal(atLeast(0.8).met(0.8), true);
  assert.equal(atLeast(0.8).met(0.79), false);
  assert.equal(atMost(300, " ms").text, "≤ 300 ms");
  assert.equal(atMost(300).met(300), true);
  assert.equal(atMost(300).met(301), false);
});

Deno.test("createBenchReport() ends with one verdict line: every target met, or how many rows missed", () => {
  const report = createBenchReport(["what", "ratio"], { write: () => {} });
  report.row({ cells: ["a", 0.9], target: { goal: atLeast(0.8), value: 0.9 } });
  assert.equal(report.verdict(), "Every target met.");
  report.row({ cells: ["b", 0.4], target: { goal: atLeast(0.8), value: 0.4 } });
  assert.equal(report.verdict(), "1 row missed its target (✗ missed).");
  report.row({ cells: ["c", 400], target: { goal: atMost(300), value: 400 } });
  assert.equal(report.verdict(), "2 rows missed their targets (✗ missed).");
});

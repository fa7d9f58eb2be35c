import assert from "node:assert/strict";
import { checkStatus } from "../../src/status/check_status.ts";
import {
  parseThreshold,
  type Threshold,
} from "../../src/status/parse_threshold.ts";
import type { StatusReport } from "../../src/status/status_report.ts";
import type { RunRecord } from "../../src/run_record/run_record.ts";
import {
  nextRunRecord,
  type RunOutcome,
} from "../../src/run_record/next_run_record.ts";

const NOW = "2024-05-01T12:00:00.000Z";
const t = (text: string): Threshold => parseThreshold(text)!;

/** A harvest run of 5 s that ended `endedSecondsAgo` before NOW (pid 1, exit 0, unless `run` says otherwise). */
function harvestRun(
  previous: RunRecord | null,
  endedSecondsAgo: number,
  run: Partial<RunOutcome>,
): RunRecord {
  const ended = Date.parse(NOW) - endedSecondsAgo * 1000;
  return nextRunRecord(previous, {
    command: "harvest",
    toolVersion: "1",
    pid: 1,
    startedAt: new Date(ended - 5_000),
    endedAt: new Date(ended),
    exitCode: 0,
    counts: {},
    ...run,
  });
}

function report(more: Partial<StatusReport> = {}, lag = 60): StatusReport {
  return {
    now: NOW,
    checkpoint: {
      location: "/state/checkpoint.json",
      kind: "file",
      state: "ok",
      timestamp: new Date(Date.parse(NOW) - lag * 1000).toISOString(),
      idsInNewestSecond: 2,
      lagSeconds: lag,
    },
    locks: [{
      kind: "file",
      name: "/state/checkpoint.json.lock",
      state: "free",
    }],
    lastRun: harvestRun(null, 120, { counts: { actionsDelivered: 500 } }),
    lastEpisodesRun: null,
    ...more,
  };
}

const LAG = { lagWarning: t("300"), lagCritical: t("900") };

Deno.test("checkStatus(): a current checkpoint is OK, with performance data after |", () => {
  const result = checkStatus(report(), LAG);
  assert.equal(result.state, "OK");
  assert.equal(result.exitCode, 0);
  assert.match(
    result.line,
    /^UA-HARVEST OK - checkpoint 60s behind, last success 120s ago, last run ok \| /,
  );
  assert.match(result.line, / lag=60s;300;900;0; /);
  assert.match(result.line, / age_of_success=120s;;;0; /);
  assert.match(result.line, / last_actions=500;;;0;$/);
  assert.equal(result.line.split("|").length, 2);
});

Deno.test("checkStatus(): a stale checkpoint is WARNING past -w and CRITICAL past -c, not at them", () => {
  assert.equal(checkStatus(report({}, 300), LAG).exitCode, 0);
  assert.equal(checkStatus(report({}, 301), LAG).state, "WARNING");
  assert.equal(checkStatus(report({}, 301), LAG).exitCode, 1);
  assert.equal(checkStatus(report({}, 900), LAG).state, "WARNING");
  assert.equal(checkStatus(report({}, 901), LAG).state, "CRITICAL");
  assert.equal(checkStatus(report({}, 901), LAG).exitCode, 2);
});

Deno.test("checkStatus(): the age of the last success has its own thresholds, and the worse state wins", () => {
  const age = { ageWarning: t("60"), ageCritical: t("600") };
  assert.equal(checkStatus(report(), age).state, "WARNING");
  assert.equal(
    checkStatus(report({}, 1000), { ...LAG, ...age }).state,
    "CRITICAL",
  );
  assert.equal(
    checkStatus(report(), { ageCritical: t("100") }).state,
    "CRITICAL",
  );
});

Deno.test("checkStatus(): a failed last run is named, and judged by the age of success", () => {
  const failed = harvestRun(report().lastRun, 5, {
    pid: 2,
    exitCode: 4,
    error: "Opencast unreachable | after 5 attempts",
  });
  const result = checkStatus(report({ lastRun: failed }), {
    ...LAG,
    ageCritical: t("100"),
  });
  assert.equal(result.state, "CRITICAL");
  assert.match(
    result.line,
    /last run failed \(exit 4: Opencast unreachable \/ after 5 attempts\)/,
  );
  assert.match(result.line, /last_exit_code=4/);
  assert.equal(
    result.line.split("|").length,
    2,
    "a | in the error must not start the perfdata",
  );
});

Deno.test("checkStatus(): no checkpoint yet is UNKNOWN (never ran); an unreadable one is UNKNOWN with the reason", () => {
  const fresh = checkStatus(
    report({
      checkpoint: {
        location: "/state/checkpoint.json",
        kind: "file",
        state: "missing",
      },
      lastRun: null,
    }),
    LAG,
  );
  assert.equal(fresh.state, "UNKNOWN");
  assert.equal(fresh.exitCode, 3);
  assert.match(fresh.line, /never ran/);
  const broken = checkStatus(
    report({
      checkpoint: {
        location: "/state/checkpoint.json",
        kind: "file",
        state: "unreadable",
        error:
          "Cannot read the checkpoint in /state/checkpoint.json: expected JSON",
      },
    }),
    LAG,
  );
  assert.equal(broken.state, "UNKNOWN");
  assert.match(
    broken.line,
    /checkpoint unreadable: Cannot read the checkpoint/,
  );
});

Deno.test("checkStatus(): a held lock is named in the line", () => {
  const result = checkStatus(
    report({
      locks: [{
        kind: "file",
        name: "/state/checkpoint.json.lock",
        state: "held",
        holder: { pid: 4242, host: "h1", since: NOW },
      }],
    }),
    LAG,
  );
  assert.equal(result.state, "OK");
  assert.match(result.line, /running by PID 4242 on h1/);
});

Deno.test("parseThreshold() reads the plugin range forms", () => {
  assert.deepEqual(parseThreshold("900"), {
    text: "900",
    start: 0,
    end: 900,
    inside: false,
  });
  assert.deepEqual(parseThreshold("10:"), {
    text: "10:",
    start: 10,
    end: Infinity,
    inside: false,
  });
  assert.deepEqual(parseThreshold("~:10"), {
    text: "~:10",
    start: -Infinity,
    end: 10,
    inside: false,
  });
  assert.deepEqual(parseThreshold("@10:20"), {
    text: "@10:20",
    start: 10,
    end: 20,
    inside: true,
  });
  for (const bad of ["", "abc", "20:10", "@", "1,2", "5m"]) {
    assert.equal(parseThreshold(bad), null, bad);
  }
});

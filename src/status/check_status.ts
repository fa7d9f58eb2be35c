import type { StatusReport } from "./status_report.ts";
import { exceeds, type Threshold } from "./parse_threshold.ts";

/** Monitoring-plugin states, with their exit codes. */
export const CHECK_STATES = {
  OK: 0,
  WARNING: 1,
  CRITICAL: 2,
  UNKNOWN: 3,
} as const;

/** The thresholds of a check; an absent one is not checked. */
export interface CheckThresholds {
  readonly lagWarning?: Threshold;
  readonly lagCritical?: Threshold;
  readonly ageWarning?: Threshold;
  readonly ageCritical?: Threshold;
}

/** The verdict: an exit code and the one line (status, then `|` and performance data). */
export interface CheckResult {
  readonly state: keyof typeof CHECK_STATES;
  readonly exitCode: number;
  readonly line: string;
}

/**
 * Judges a status under the monitoring-plugin convention. The checkpoint's
 * lag and the age of the last success are each OK, WARNING or CRITICAL by
 * their thresholds, and the worse wins (CRITICAL, then WARNING, then
 * UNKNOWN). UNKNOWN: the checkpoint cannot be read, there is none yet (never
 * ran), or an age threshold is set and no run ever succeeded on record. A
 * failed last run is named in the line but judged only through the ages,
 * so a single failure between successes does not page anyone. Pure.
 */
export function checkStatus(
  report: StatusReport,
  thresholds: CheckThresholds,
): CheckResult {
  const { checkpoint, lastRun } = report;
  const now = Date.parse(report.now);
  const problems: string[] = [];
  const states: (keyof typeof CHECK_STATES)[] = [];
  const perf: string[] = [];
  const judge = (
    value: number,
    warning: Threshold | undefined,
    critical: Threshold | undefined,
  ) => {
    if (critical && exceeds(critical, value)) return "CRITICAL";
    if (warning && exceeds(warning, value)) return "WARNING";
    return "OK";
  };

  const lagChecked = thresholds.lagWarning || thresholds.lagCritical;
  if (checkpoint.state === "unreadable") {
    states.push("UNKNOWN");
    problems.push(`checkpoint unreadable: ${checkpoint.error}`);
  } else if (checkpoint.state === "missing") {
    states.push("UNKNOWN");
    problems.push(`no checkpoint at ${checkpoint.location} yet (never ran)`);
  } else {
    const lag = Math.round(checkpoint.lagSeconds!);
    const state = lagChecked
      ? judge(lag, thresholds.lagWarning, thresholds.lagCritical)
      : "OK";
    states.push(state);
    problems.push(`checkpoint ${lag}s behind`);
    perf.push(
      performance("lag", lag, thresholds.lagWarning, thresholds.lagCritical),
    );
  }

  const ageChecked = thresholds.ageWarning || thresholds.ageCritical;
  const success = lastRun?.lastSuccessAt;
  if (success !== undefined) {
    const age = Math.max(0, Math.round((now - Date.parse(success)) / 1000));
    states.push(
      ageChecked
        ? judge(age, thresholds.ageWarning, thresholds.ageCritical)
        : "OK",
    );
    problems.push(`last success ${age}s ago`);
    perf.push(
      performance(
        "age_of_success",
        age,
        thresholds.ageWarning,
        thresholds.ageCritical,
      ),
    );
  } else {
    if (ageChecked) states.push("UNKNOWN");
    problems.push(
      lastRun === null ? "no run recorded yet" : "no success on record",
    );
  }
  if (lastRun !== null) {
    problems.push(
      lastRun.exitCode === 0
        ? "last run ok"
        : `last run failed (exit ${lastRun.exitCode}: ${
          lastRun.error ?? "no message"
        })`,
    );
    perf.push(`last_exit_code=${lastRun.exitCode};;;0;`);
    perf.push(`last_duration=${lastRun.durationSeconds}s;;;0;`);
    const actions = lastRun.counts.actionsDelivered;
    if (actions !== undefined) perf.push(`last_actions=${actions};;;0;`);
  }
  const held = report.locks.find((lock) => lock.state === "held");
  if (held) {
    const holder = held.holder?.pid === undefined
      ? ""
      : ` by PID ${held.holder.pid}${
        held.holder.host ? ` on ${held.holder.host}` : ""
      }`;
    problems.push(`running${holder}`);
  }

  const order = ["CRITICAL", "WARNING", "UNKNOWN", "OK"] as const;
  const state = order.find((s) => states.includes(s)) ?? "OK";
  // A "|" would start the performance data early.
  const text = problems.join(", ").replace(/\|/g, "/").replace(/\n/g, " ");
  return {
    state,
    exitCode: CHECK_STATES[state],
    line: `UA-HARVEST ${state} - ${text}${
      perf.length > 0 ? ` | ${perf.join(" ")}` : ""
    }`,
  };
}

function performance(
  label: string,
  value: number,
  warning: Threshold | undefined,
  critical: Threshold | undefined,
): string {
  return `${label}=${value}s;${warning?.text ?? ""};${critical?.text ?? ""};0;`;
}

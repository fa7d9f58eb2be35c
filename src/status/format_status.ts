import type { RunRecord } from "../run_record/run_record.ts";
import type { LockStatus, StatusReport } from "./status_report.ts";
import { plural } from "../util/plural.ts";
import { sourceLabel } from "../source/source_label.ts";

/** The status for people: a few aligned lines. Pure. */
export function formatStatus(report: StatusReport): string {
  const now = Date.parse(report.now);
  const ago = (iso: string) =>
    `${duration((now - Date.parse(iso)) / 1000)} ago`;
  const lines: string[] = [];
  const { checkpoint } = report;
  const source = checkpoint.source === undefined
    ? ""
    : `, source ${checkpoint.source}`;
  lines.push(
    `Checkpoint   ${checkpoint.location} (${checkpoint.kind}${source})`,
  );
  if (checkpoint.state === "ok" && checkpoint.reached !== undefined) {
    lines.push(
      `             read to ${checkpoint.reached}, ${
        duration(checkpoint.lagSeconds!)
      } behind now; the next run reads again from ${checkpoint.timestamp}`,
    );
  } else if (checkpoint.state === "ok") {
    lines.push(
      `             newest second ${checkpoint.timestamp} (${checkpoint.idsInNewestSecond} ${
        plural(checkpoint.idsInNewestSecond ?? 0, "id")
      }), ${duration(checkpoint.lagSeconds!)} behind now`,
    );
  } else if (checkpoint.state === "missing") {
    lines.push("             none yet: no harvest has saved one (never ran)");
  } else {
    lines.push(`             unreadable: ${checkpoint.error}`);
  }
  for (const [index, lock] of report.locks.entries()) {
    lines.push(`${index === 0 ? "Lock" : ""}`.padEnd(13) + describeLock(lock));
  }
  lines.push(...describeRun("Last harvest", report.lastRun, ago));
  if (report.lastEpisodesRun !== null) {
    lines.push(
      ...describeRun("Last load_episodes", report.lastEpisodesRun, ago),
    );
  }
  if (report.lastRunError !== undefined) {
    lines.push(`             ${report.lastRunError}`);
  }
  return lines.join("\n");
}

function describeLock(lock: LockStatus): string {
  const what = `${lock.kind} ${lock.name}`;
  if (lock.state === "free") return `${what}: free`;
  if (lock.state === "unknown") return `${what}: cannot tell (${lock.error})`;
  const { pid, host, since } = lock.holder ?? {};
  const by = pid === undefined ? "" : ` by PID ${pid}`;
  const on = host === undefined ? "" : ` on ${host}`;
  const from = since === undefined ? "" : ` since ${since}`;
  const expires = lock.expiresInSeconds === undefined
    ? ""
    : ` (expires in ${Math.ceil(lock.expiresInSeconds)}s unless renewed)`;
  return `${what}: held${by}${on}${from}${expires}`;
}

function describeRun(
  title: string,
  run: RunRecord | null,
  ago: (iso: string) => string,
): string[] {
  // A title as long as the column ("Last load_episodes") still gets a space.
  const label = title.padEnd(Math.max(13, title.length + 1));
  if (run === null) return [`${label}none recorded`];
  const pad = " ".repeat(13);
  const outcome = run.exitCode === 0 ? "ok" : "FAILED";
  const lines = [
    `${label}${outcome}, exit ${run.exitCode}: started ${
      toSecond(run.startedAt)
    }, ended ${toSecond(run.endedAt)} (${ago(run.endedAt)}), took ${
      duration(run.durationSeconds)
    }`,
    `${pad}${
      Object.entries(run.counts).map(([name, value]) =>
        `${value} ${counted(value, words(name))}`
      )
        .join(", ") || "nothing counted"
    }`,
  ];
  if (run.window) {
    lines.push(
      `${pad}window ${toSecond(run.window.start)} to ${
        toSecond(run.window.end)
      }`,
    );
  }
  if (run.error !== undefined) lines.push(`${pad}error: ${run.error}`);
  lines.push(
    `${pad}last success: ${
      run.lastSuccessAt === undefined
        ? "none on record"
        : `${toSecond(run.lastSuccessAt)} (${ago(run.lastSuccessAt)})`
    }`,
  );
  const variant = run.opencastVariant
    ? `, source ${sourceLabel(run.opencastVariant)}`
    : "";
  lines.push(
    `${pad}ua-harvest ${run.toolVersion} on ${
      run.host ?? "?"
    }, PID ${run.pid}${variant}`,
  );
  return lines;
}

/**
 * An instant as people read it, to the second: the record keeps what the run
 * wrote (a window end to the nanosecond, `…T12:00:00.123456789Z`), which
 * only clutters a status line. Text that is not an instant is left alone.
 */
function toSecond(iso: string): string {
  try {
    return Temporal.Instant.from(iso).toString({
      smallestUnit: "second",
      roundingMode: "trunc",
    });
  } catch {
    return iso;
  }
}

/**
 * A count's words in the singular for 1: its first plural word loses its
 * "s" (`1 pages fetched` → `1 page fetched`, `1 episode cache hits` →
 * `1 episode cache hit`).
 */
function counted(value: number, words: string): string {
  return value === 1 ? words.replace(/^(.*?\w)s\b/, "$1") : words;
}

/** `actionsDelivered` → `actions delivered`. */
function words(name: string): string {
  return name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

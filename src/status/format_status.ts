import type { RunRecord } from "../run_record/run_record.ts";
import type { LockStatus, StatusReport } from "./status_report.ts";

/** The status for people: a few aligned lines. Pure. */
export function formatStatus(report: StatusReport): string {
  const now = Date.parse(report.now);
  const ago = (iso: string) =>
    `${duration((now - Date.parse(iso)) / 1000)} ago`;
  const lines: string[] = [];
  const { checkpoint } = report;
  lines.push(`Checkpoint   ${checkpoint.location} (${checkpoint.kind})`);
  if (checkpoint.state === "ok") {
    lines.push(
      `             newest second ${checkpoint.timestamp} (${checkpoint.idsInNewestSecond} ids), ${
        duration(checkpoint.lagSeconds!)
      } behind now`,
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
    `${label}${outcome}, exit ${run.exitCode}: started ${run.startedAt}, ended ${run.endedAt} (${
      ago(run.endedAt)
    }), took ${duration(run.durationSeconds)}`,
    `${pad}${
      Object.entries(run.counts).map(([name, value]) =>
        `${value} ${words(name)}`
      )
        .join(", ") || "nothing counted"
    }`,
  ];
  if (run.window) {
    lines.push(`${pad}window ${run.window.start} to ${run.window.end}`);
  }
  if (run.error !== undefined) lines.push(`${pad}error: ${run.error}`);
  lines.push(
    `${pad}last success: ${
      run.lastSuccessAt === undefined
        ? "none on record"
        : `${run.lastSuccessAt} (${ago(run.lastSuccessAt)})`
    }`,
  );
  const variant = run.opencastVariant
    ? `, Opencast API ${run.opencastVariant}`
    : "";
  lines.push(
    `${pad}ua-harvest ${run.toolVersion} on ${
      run.host ?? "?"
    }, PID ${run.pid}${variant}`,
  );
  return lines;
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

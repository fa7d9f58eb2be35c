/**
 * `ua-harvest status`, run by `main()`, against state it finds on disk or in
 * (the loopback) S3: fresh, current, stale, a held lock, a failed last run,
 * an unreadable checkpoint.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runMain } from "../support/run_main.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { serializeCheckpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { nextRunRecord } from "../../src/run_record/next_run_record.ts";
import type { RunRecord } from "../../src/run_record/run_record.ts";
import { acquireFileRunLock } from "../../src/lock/file_run_lock.ts";
import { existsSync } from "node:fs";

interface State extends AsyncDisposable {
  readonly dir: string;
  readonly checkpoint: string;
  readonly env: Record<string, string>;
}

async function openState(): Promise<State> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-status-" });
  return {
    dir,
    checkpoint: join(dir, "state", "ua-harvest", "checkpoint.json"),
    env: {
      XDG_STATE_HOME: join(dir, "state"),
      XDG_CACHE_HOME: join(dir, "cache"),
      OPENCAST_TIMEZONE: "UTC",
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function checkpointText(secondsAgo: number, ids = [11, 12]): string {
  const timestamp = Temporal.Now.instant().subtract({ seconds: secondsAgo })
    .round({ smallestUnit: "second", roundingMode: "floor" });
  return serializeCheckpoint({ timestamp, ids }, "UTC");
}

function record(
  exitCode: number,
  endedSecondsAgo: number,
  previous: RunRecord | null = null,
  error?: string,
): RunRecord {
  const endedAt = new Date(Date.now() - endedSecondsAgo * 1000);
  return nextRunRecord(previous, {
    command: "harvest",
    toolVersion: "0.1.0",
    host: "cron-host",
    pid: 999_999,
    startedAt: new Date(endedAt.getTime() - 3000),
    endedAt,
    exitCode,
    ...(error === undefined ? {} : { error }),
    counts: { actionsDelivered: exitCode === 0 ? 250 : 0, pagesFetched: 1 },
  });
}

async function write(path: string, text: string) {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
}

Deno.test("status on a fresh state: never ran (UNKNOWN as a check, exit 0 for people)", async () => {
  await using state = await openState();
  const human = await runMain(["status"], { env: state.env });
  assert.equal(human.code, 0, human.stderr);
  assert.match(
    human.stdout,
    /none yet: no harvest has saved one \(never ran\)/,
  );
  assert.match(human.stdout, /Last harvest +none recorded/);
  const check = await runMain(["status", "--max-lag", "900"], {
    env: state.env,
  });
  assert.equal(check.code, 3, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    /^UA-HARVEST UNKNOWN - no checkpoint .* yet \(never ran\)/,
  );
  const json = await runMain(["status", "--json"], { env: state.env });
  const report = JSON.parse(json.stdout);
  assert.equal(report.checkpoint.state, "missing");
  assert.equal(report.lastRun, null);
  assert.equal(report.locks[0].state, "free");
  // status only reads: it creates nothing.
  assert.equal(existsSync(join(state.dir, "state")), false);
});

Deno.test("status on a current checkpoint: OK with lag, last success and performance data", async () => {
  await using state = await openState();
  await write(state.checkpoint, checkpointText(30));
  await write(
    `${state.checkpoint}.last-run.json`,
    JSON.stringify(record(0, 20)),
  );
  const check = await runMain(
    ["status", "-w", "300,600", "-c", "900,1800"],
    { env: state.env },
  );
  assert.equal(check.code, 0, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    /^UA-HARVEST OK - checkpoint 3\ds behind, last success 2\ds ago, last run ok \| lag=3\ds;300;900;0; age_of_success=2\ds;600;1800;0;/,
  );
  const human = await runMain(["status"], { env: state.env });
  assert.match(human.stdout, /\(2 ids\), 3\ds behind now/);
  assert.match(
    human.stdout,
    /Last harvest ok, exit 0: .*250 actions delivered, 1 page fetched/s,
  );
  const json = JSON.parse(
    (await runMain(["status", "--json"], { env: state.env })).stdout,
  );
  assert.equal(json.checkpoint.idsInNewestSecond, 2);
  assert.equal(json.checkpoint.kind, "file");
  assert.equal(json.lastRun.counts.actionsDelivered, 250);
});

Deno.test("status on a stale checkpoint: WARNING past -w, CRITICAL past --max-lag", async () => {
  await using state = await openState();
  await write(state.checkpoint, checkpointText(600));
  const warning = await runMain(
    ["status", "-w", "300", "--max-lag", "900"],
    { env: state.env },
  );
  assert.equal(warning.code, 1, warning.stdout);
  assert.match(warning.stdout, /^UA-HARVEST WARNING - checkpoint 60\ds behind/);
  await write(state.checkpoint, checkpointText(1000));
  const critical = await runMain(
    ["status", "-w", "300", "--max-lag", "900"],
    { env: state.env },
  );
  assert.equal(critical.code, 2, critical.stdout);
  assert.match(critical.stdout, /^UA-HARVEST CRITICAL - /);
});

Deno.test("status names the holder of a held lock", async () => {
  await using state = await openState();
  await write(state.checkpoint, checkpointText(10));
  await using _lock = await acquireFileRunLock({
    path: `${state.checkpoint}.lock`,
  });
  const human = await runMain(["status"], { env: state.env });
  assert.match(
    human.stdout,
    new RegExp(
      `Lock +file .*checkpoint\\.json\\.lock: held by PID ${Deno.pid} on ${Deno.hostname()} since \\d{4}-`,
    ),
  );
  const json = JSON.parse(
    (await runMain(["status", "--json"], { env: state.env })).stdout,
  );
  assert.equal(json.locks[0].state, "held");
  assert.equal(json.locks[0].holder.pid, Deno.pid);
  const check = await runMain(["status", "--max-lag", "900"], {
    env: state.env,
  });
  assert.match(check.stdout, new RegExp(`running by PID ${Deno.pid}`));
});

Deno.test("status shows a failed last run with its error, and CRITICAL once no success is recent", async () => {
  await using state = await openState();
  await write(state.checkpoint, checkpointText(100));
  const failed = record(
    3,
    30,
    record(0, 4000),
    "Opencast refused the credentials (401): check MATTERHORN_REST_USER",
  );
  await write(`${state.checkpoint}.last-run.json`, JSON.stringify(failed));
  const human = await runMain(["status"], { env: state.env });
  assert.match(human.stdout, /Last harvest FAILED, exit 3/);
  assert.match(human.stdout, /error: Opencast refused the credentials \(401\)/);
  assert.match(human.stdout, /last success: .*\(67 min ago\)/);
  const check = await runMain(
    ["status", "--max-lag", "900", "--max-age-of-success", "1800"],
    { env: state.env },
  );
  assert.equal(check.code, 2, check.stdout);
  assert.match(
    check.stdout,
    /last run failed \(exit 3: Opencast refused the credentials/,
  );
});

Deno.test("status on an unreadable checkpoint is UNKNOWN with the reason", async () => {
  await using state = await openState();
  await write(state.checkpoint, "not a checkpoint");
  const check = await runMain(["status", "--max-lag", "900"], {
    env: state.env,
  });
  assert.equal(check.code, 3, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    /^UA-HARVEST UNKNOWN - checkpoint unreadable: Cannot read the checkpoint in .*checkpoint\.json/,
  );
  const human = await runMain(["status"], { env: state.env });
  assert.equal(human.code, 0);
  assert.match(human.stdout, /unreadable: Cannot read the checkpoint/);
});

Deno.test("status reads a checkpoint and its last-run record in S3", async () => {
  await using state = await openState();
  await using s3 = await startS3Fake();
  s3.put("harvest-state", "ua/last-action-ts", checkpointText(45, [1]));
  s3.put(
    "harvest-state",
    "ua/last-action-ts.last-run.json",
    JSON.stringify(record(0, 40)),
  );
  const env = {
    ...state.env,
    AWS_ENDPOINT_URL_S3: s3.url,
    S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "fake-secret-key",
    AWS_REGION: "us-east-1",
    S3_HARVEST_TS_BUCKET: "harvest-state",
    S3_LAST_ACTION_TS_KEY: "ua/last-action-ts",
  };
  const json = JSON.parse(
    (await runMain(["status", "--json", "--max-lag", "900"], { env })).stdout,
  );
  assert.equal(
    json.checkpoint.location,
    "s3://harvest-state/ua/last-action-ts",
  );
  assert.equal(json.checkpoint.kind, "s3");
  assert.equal(json.checkpoint.idsInNewestSecond, 1);
  assert.equal(json.lastRun.host, "cron-host");
  assert.equal(json.check.state, "OK");
  assert.equal(s3.requests.PutObject ?? 0, 0, "status writes nothing");
  assert.equal(s3.requests.CreateBucket ?? 0, 0);
});

Deno.test("status masks the settings' secrets in what it prints, a last-run record written before secrets were masked included", async () => {
  await using state = await openState();
  await write(state.checkpoint, checkpointText(100));
  // What an older version wrote raw into the record (issue 21).
  const leaked = record(
    4,
    30,
    null,
    "Cannot reach Elasticsearch at http//elastic:Pa55-w0rd-es@es:9200 (connection refused)",
  );
  await write(`${state.checkpoint}.last-run.json`, JSON.stringify(leaked));
  const env = {
    ...state.env,
    ELASTICSEARCH_PASSWORD: "Pa55-w0rd-es",
  };
  for (
    const args of [
      ["status"],
      ["status", "--json"],
      ["status", "--max-lag", "900"],
    ]
  ) {
    const result = await runMain(args, { env });
    assert.ok(!result.stdout.includes("Pa55-w0rd-es"), result.stdout);
    assert.match(result.stdout, /elastic:\*\*\*@es:9200/);
  }
});

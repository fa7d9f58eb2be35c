/**
 * Where a harvest's time goes (`deno task profile`): runs one harvest of the
 * simulator through the CLI, as cron runs it, with the V8 CPU profiler on
 * (`bench/_cpu_profile_preload.ts`), and prints the sampled time by area of
 * the code and the functions that take the most of it. Samples spent waiting
 * for the network or the disk show up as `(idle)`.
 *
 * Options (environment): PROFILE_ACTIONS (20000), PROFILE_EPISODES (500),
 * PROFILE_LATENCY_MS (0: added to every simulator request), PROFILE_FLAVOR
 * (dce; stock, oc12, oc16: upstream Opencast), PROFILE_OUTPUT
 * (`-`: stdout; or `sqs`, against the loopback SQS fake), PROFILE_ARGS (more
 * harvest flags, space-separated), PROFILE_FILE (where the `.cpuprofile` is
 * kept for Chrome DevTools; default a temporary file), PROFILE_LOG (a file to
 * keep the run's log in, e.g. with `PROFILE_ARGS="--log-level debug"`).
 *
 * @module
 */
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { table } from "./_table.ts";
import type { SimulatorFlavor } from "../src/simulate/start_simulator.ts";
import { spanHarvestArgs, startSpanSimulator } from "./_workload.ts";
import { startSqsFake } from "../tests/support/sqs_fake.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const ACTIONS = Number(Deno.env.get("PROFILE_ACTIONS") ?? 20_000);
const EPISODES = Number(Deno.env.get("PROFILE_EPISODES") ?? 500);
const LATENCY_MS = Number(Deno.env.get("PROFILE_LATENCY_MS") ?? 0);
const OUTPUT = Deno.env.get("PROFILE_OUTPUT") ?? "-";
const FLAVOR = (Deno.env.get("PROFILE_FLAVOR") ?? "dce") as SimulatorFlavor;
const EXTRA_ARGS = (Deno.env.get("PROFILE_ARGS") ?? "").split(" ").filter(
  Boolean,
);

/** One node of a V8 `.cpuprofile`. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** A V8 `.cpuprofile`. */
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The area of the code a call frame belongs to. */
function area(url: string, name: string): string {
  if (url === "") return name.startsWith("(") ? name : "(native)";
  if (url.startsWith("ext:") || url.startsWith("node:")) return "(runtime)";
  const npm = /\/npm\/registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (npm) return `npm:${npm[1]}`;
  if (url.startsWith("file://")) {
    const path = relative(ROOT, fileURLToPath(url));
    const parts = path.split("/");
    return parts.length > 2 ? parts.slice(0, 2).join("/") : path;
  }
  return url;
}

/** A frame's file, relative to the repository where it is in it. */
function shortUrl(url: string): string {
  if (!url.startsWith("file://")) return area(url, "");
  return relative(ROOT, fileURLToPath(url));
}

/** Self time (ms) per node id, from the samples and their time deltas. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) {
    // A sample's delta is the time since the previous one: charge it here.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    times.set(id, (times.get(id) ?? 0) + ms);
  }
  return times;
}

/** Prints the profile's time by area and its top functions. */
function report(profile: CpuProfile): void {
  const times = selfTimes(profile);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = times.get(node.id) ?? 0;
    if (ms === 0) continue;
    total += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = area(url, functionName);
    byArea.set(where, (byArea.get(where) ?? 0) + ms);
    const name = `${functionName || "(anonymous)"} ${
      url ? `${shortUrl(url)}:${lineNumber + 1}` : ""
    }`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const rows = (entries: Map<string, number>, top: number) =>
    [...entries].sort((a, b) => b[1] - a[1]).slice(0, top).map((
      [name, ms],
    ) => [name, ms.toFixed(0), `${(100 * ms / total).toFixed(1)} %`]);
  console.log(
    table(["area (self time)", "ms", "share"], rows(byArea, 20)),
  );
  console.log();
  console.log(
    table(["function (self time)", "ms", "share"], rows(byFunction, 25)),
  );
  console.log(`\nsampled ${total.toFixed(0)} ms`);
}

async function main(): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-profile-" });
  const file = Deno.env.get("PROFILE_FILE") ?? join(dir, "harvest.cpuprofile");
  await using sim = await startSpanSimulator({
    actions: ACTIONS,
    episodes: EPISODES,
    latencyMs: LATENCY_MS,
    flavor: FLAVOR,
  });
  await using sqs = OUTPUT === "sqs" ? await startSqsFake() : null;
  const args = spanHarvestArgs({
    url: sim.url,
    output: sqs ? ["--output", "sqs", "-q", "profile-actions"] : [
      "--output",
      OUTPUT,
    ],
    stateFile: join(dir, "state.json"),
    cacheFile: join(dir, "cache.sqlite"),
    extra: EXTRA_ARGS,
  });
  // The profiler needs the inspector, which the binary's permissions leave out.
  const main = args.indexOf("--config");
  args.splice(
    main,
    0,
    "--allow-sys",
    "--preload",
    join(ROOT, "bench/_cpu_profile_preload.ts"),
  );
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    env: {
      UA_HARVEST_CPU_PROFILE: file,
      AWS_ACCESS_KEY_ID: "profile",
      AWS_SECRET_ACCESS_KEY: "profile",
      AWS_REGION: "us-east-1",
      ...(sqs ? { AWS_ENDPOINT_URL_SQS: sqs.url } : {}),
      NO_COLOR: "1",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const drained = child.stdout.pipeTo(new WritableStream());
  const stderr = new Response(child.stderr).text();
  const { code } = await child.status;
  await drained;
  const log = await stderr;
  const summary = log.split("\n").find((line) => line.includes("Harvest done"));
  console.log(
    `harvest of ${ACTIONS} actions, ${EPISODES} episodes, cold cache, ` +
      `${LATENCY_MS} ms per request, ${FLAVOR} flavor, output ${OUTPUT}: exit ${code}`,
  );
  if (summary) console.log(summary.trim());
  else console.error(log);
  const logFile = Deno.env.get("PROFILE_LOG");
  if (logFile) await Deno.writeTextFile(logFile, log);
  console.log();
  report(JSON.parse(await Deno.readTextFile(file)) as CpuProfile);
  console.log(`profile: ${file} (open in Chrome DevTools → Performance)`);
}

if (import.meta.main) await main();

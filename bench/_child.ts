/**
 * Runs a benchmark's CLI process as a user (or cron) runs it: `deno …args`
 * with a clean environment, stdout drained, its wall time and peak RSS
 * measured from outside.
 *
 * @module
 */
import { join } from "node:path";

const HOME = Deno.env.get("HOME") ?? "/root";
/** The module cache stays where it is: there is no network. */
const DENO_DIR = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("XDG_CACHE_HOME") ?? join(HOME, ".cache"), "deno");

/** What one process did. */
export interface ChildRun {
  readonly code: number;
  /** Wall time from spawn to exit. */
  readonly seconds: number;
  /** Peak resident memory, sampled from `/proc` every 10 ms. */
  readonly peakRssMiB: number;
  readonly stderr: string;
}

/**
 * Runs `deno …args` with only `PATH`, `HOME`, `DENO_DIR` and `NO_COLOR`
 * from this environment, plus `env`.
 */
export async function runChild(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<ChildRun> {
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [...args],
    cwd,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME,
      DENO_DIR,
      NO_COLOR: "1",
      ...env,
    },
    stdin: "null",
    // Piped and drained, not /dev/null: the harvest refuses a stdout that
    // goes nowhere, since its records would be lost.
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const drained = child.stdout.pipeTo(new WritableStream());
  const stderrText = new Response(child.stderr).text();
  let peakKiB = 0;
  const sample = () => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      const kib = /VmHWM:\s+(\d+)/.exec(status)?.[1];
      // A zombie has no VmHWM line: keep what was read while it ran.
      if (kib !== undefined) peakKiB = Math.max(peakKiB, Number(kib));
    } catch {
      // The process is gone; VmHWM was read while it lived.
    }
  };
  const sampler = setInterval(sample, 10);
  const { code } = await child.status;
  const seconds = (performance.now() - started) / 1000;
  await drained;
  const stderr = await stderrText;
  clearInterval(sampler);
  return { code, seconds, peakRssMiB: peakKiB / 1024, stderr };
}

/** The properties of the harvest's closing summary in a `--log-format json` log. */
export function harvestSummary(stderr: string): Record<string, number> {
  const summary = stderr.split("\n").filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((event) =>
      String(event.message ?? "").startsWith("Harvest ") &&
      (event.properties as Record<string, unknown> | undefined)?.actions !==
        undefined
    );
  return (summary?.properties ?? {}) as Record<string, number>;
}

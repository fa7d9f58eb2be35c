/**
 * Preloaded into a harvest run by `bench/cpu_profile.ts` (`deno run
 * --preload`): samples the CPU through the V8 inspector from the first line
 * of `main.ts` on, and writes the profile (`.cpuprofile`, the Chrome DevTools
 * format) to `UA_HARVEST_CPU_PROFILE` when the program exits. This Deno has
 * no `--cpu-prof`; `node:inspector` is the same V8 profiler.
 *
 * @module
 */
import { Session } from "node:inspector/promises";

const path = Deno.env.get("UA_HARVEST_CPU_PROFILE");
if (path) {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  // 250 µs: fine enough for a run of about a second.
  await session.post("Profiler.setSamplingInterval", { interval: 250 });
  await session.post("Profiler.start");
  const exit = Deno.exit;
  // main.ts ends with Deno.exit(code): stop and write the profile first.
  Object.defineProperty(Deno, "exit", {
    value: (code?: number) => {
      session.post("Profiler.stop").then(({ profile }) => {
        Deno.writeTextFileSync(path, JSON.stringify(profile));
      }).finally(() => exit(code));
    },
  });
}

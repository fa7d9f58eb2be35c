/**
 * `deno task compile`: runs `deno compile` with the task's arguments (the
 * binary's permission flags stay in deno.json's task) and, when it fails for
 * want of Deno's `denort` runtime, prints one line saying which file
 * `DENORT_BIN` needs instead of Deno's error chain and Rust backtrace.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { explainCompileFailure } from "./explain_compile_failure.ts";

/** Removes the `<output>.tmp-*` file a failed `deno compile` leaves behind. */
async function removeLeftovers(args: readonly string[]): Promise<void> {
  const index = args.indexOf("--output");
  const output = index >= 0 ? args[index + 1] : undefined;
  if (output === undefined) return;
  try {
    for await (const entry of Deno.readDir(dirname(output))) {
      if (entry.name.startsWith(`${basename(output)}.tmp-`)) {
        await Deno.remove(join(dirname(output), entry.name));
      }
    }
  } catch {
    // No output directory: nothing was left.
  }
}

async function main(args: readonly string[]): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["compile", ...args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "piped",
  }).spawn();
  const stderr = await new Response(child.stderr).text();
  const { code } = await child.status;
  if (code === 0) {
    await Deno.stderr.write(new TextEncoder().encode(stderr));
    return 0;
  }
  const line = explainCompileFailure(stderr, {
    version: Deno.version.deno,
    target: Deno.build.target,
    denortBin: Deno.env.get("DENORT_BIN"),
  });
  await removeLeftovers(args);
  console.error(line === undefined ? stderr.trimEnd() : `compile: ${line}`);
  return code;
}

if (import.meta.main) Deno.exit(await main(Deno.args));

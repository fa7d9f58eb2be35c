/**
 * `deno task test`: runs the test suite with a temporary directory of its
 * own as `TMPDIR`, then checks that the tests left nothing in it: a test that
 * forgets to remove what it created fails the run, naming what it left. The
 * directory is removed either way, so the system's stays clean.
 *
 * The test files run in groups of a few files of one folder, each group one
 * test module that imports them. Deno starts a worker per test module, which
 * costs about a third of a second of CPU here, more than most test files
 * take; with ~170 files that was half of the suite's CPU time. A group's
 * tests share one isolate, so a test sets up what it needs itself (logging,
 * a clock, its temp dir) and changes nothing global (`Deno.env`, the working
 * directory). One group more runs at a time than the machine has cores
 * (`deno test --parallel`, `DENO_JOBS`): many tests spend their time waiting
 * (for a subprocess, a restarted Redis, a lock's time to live, a simulator's
 * latency), and the extra group uses it; on 2 cores the suite then takes
 * about two thirds of the time it takes two groups at a time, for no more
 * CPU (four at a time: no faster, more CPU).
 *
 * The test files are type-checked first with `deno check` (cached while
 * nothing changed), the groups then run with `--no-check`.
 * `deno test tests/x_test.ts` still runs one file on its own.
 *
 * Arguments: paths (files or folders; default `tests/`) and `deno test`
 * flags (e.g. `--filter NAME`, `--junit-path=FILE`).
 *
 * @module
 */
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Test files per group: small enough to spread over the workers evenly. */
const FILES_PER_GROUP = 6;
const ROOT = resolve(import.meta.dirname!, "..");

const flags = Deno.args.filter((arg) => arg.startsWith("-"));
const paths = Deno.args.filter((arg) => !arg.startsWith("-"));
const files = (await testFiles(paths.length > 0 ? paths : ["tests/"])).sort();

// The test files are type-checked as themselves: their paths do not change
// between runs, so Deno's check cache skips a tree that has not changed
// since. The group modules live at new temporary paths each run, which that
// cache never knows, so `deno test` would check the whole tree every time
// (about 13 s of CPU); it runs them with --no-check.
if (!flags.includes("--no-check")) {
  const checked = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", ...files],
    cwd: ROOT,
    stdin: "null",
  }).spawn().status;
  if (!checked.success) Deno.exit(checked.code);
}

const run = await Deno.makeTempDir({ prefix: "ua-harvest-test-run-" });
const tmp = join(run, "tmp");
let code: number;
try {
  await Deno.mkdir(tmp);
  const groups = await writeGroups(files, join(run, "groups"));
  const status = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--quiet",
      "--allow-all",
      "--parallel",
      "--no-check",
      ...flags.filter((flag) => flag !== "--no-check"),
      ...groups,
    ],
    cwd: ROOT,
    env: {
      DENO_JOBS: Deno.env.get("DENO_JOBS") ??
        String(navigator.hardwareConcurrency + 1),
      TMPDIR: tmp,
      // No test may ask the instance metadata service for AWS credentials.
      AWS_EC2_METADATA_DISABLED: "true",
    },
    stdin: "null",
  }).spawn().status;
  code = status.code;
  const left = [];
  for await (const entry of Deno.readDir(tmp)) left.push(entry.name);
  if (left.length > 0) {
    left.sort();
    const shown = left.slice(0, 10).map((name) => join(tmp, name));
    console.error(
      `The tests left ${left.length} ${
        left.length === 1 ? "entry" : "entries"
      } in the temporary directory (a test must remove what it creates): ${
        shown.join(", ")
      }${left.length > shown.length ? ", …" : ""}`,
    );
    if (code === 0) code = 1;
  }
} finally {
  await Deno.remove(run, { recursive: true });
}
Deno.exit(code);

/** The `*_test.ts` files at or below `paths`, absolute. */
async function testFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  async function walk(path: string): Promise<void> {
    const info = await Deno.stat(path);
    if (info.isFile) {
      found.push(path);
      return;
    }
    for await (const entry of Deno.readDir(path)) {
      const child = join(path, entry.name);
      if (entry.isDirectory) await walk(child);
      else if (entry.name.endsWith("_test.ts")) found.push(child);
    }
  }
  for (const path of paths) await walk(resolve(ROOT, path));
  return found;
}

/**
 * Writes one module per group (the files of one folder, at most
 * {@linkcode FILES_PER_GROUP} a group), named after the folder, that
 * imports them; returns their paths.
 */
async function writeGroups(
  files: readonly string[],
  dir: string,
): Promise<string[]> {
  await Deno.mkdir(dir);
  const byFolder = Map.groupBy(
    files,
    (file) => relative(ROOT, file).split("/").slice(0, -1).join("_"),
  );
  const written: string[] = [];
  for (const [folder, members] of byFolder) {
    for (let i = 0; i < members.length; i += FILES_PER_GROUP) {
      const path = join(dir, `${folder}_${i / FILES_PER_GROUP + 1}_test.ts`);
      const imports = members.slice(i, i + FILES_PER_GROUP).map((file) =>
        `import ${JSON.stringify(pathToFileURL(file).href)};\n`
      );
      await Deno.writeTextFile(path, imports.join(""));
      written.push(path);
    }
  }
  return written;
}

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import {
  denortUrl,
  explainCompileFailure,
} from "../../tools/explain_compile_failure.ts";
import { withTempDir } from "../support/temp_dir.ts";

const SETTING = { version: "2.9.6", target: "x86_64-unknown-linux-gnu" };

/** What Deno 2.9.6 prints offline (its Rust error chain and backtrace). */
const OFFLINE =
  `error: Writing deno compile executable to temporary file 'dist/ua-harvest.tmp-1c1a2234cc532ba6'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)

Stack backtrace:
   0: <unknown>
`;

Deno.test("denortUrl() names the zip DENORT_BIN's binary comes from", () => {
  assert.equal(
    denortUrl(SETTING),
    "https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip",
  );
});

Deno.test("explainCompileFailure() turns the failed denort download into one line naming the file", () => {
  const line = explainCompileFailure(OFFLINE, SETTING)!;
  assert.ok(!line.includes("\n"));
  assert.match(line, /denort-x86_64-unknown-linux-gnu\.zip/);
  assert.match(line, /DENORT_BIN=\/path\/to\/denort deno task compile$/);
});

Deno.test("explainCompileFailure() says when DENORT_BIN names no file, or the wrong one", () => {
  assert.match(
    explainCompileFailure(
      "Caused by:\n    0: Could not find denort at '/x'\n    1: No such file or directory (os error 2)\n",
      { ...SETTING, denortBin: "/x" },
    )!,
    /^Cannot build the binary: DENORT_BIN is "\/x", where there is no file: point it at the denort binary of Deno 2\.9\.6 for x86_64-unknown-linux-gnu/,
  );
  assert.match(
    explainCompileFailure(
      "thread 'tokio-runtime-worker' has overflowed its stack\nfatal runtime error: stack overflow, aborting\n",
      { ...SETTING, denortBin: "/usr/bin/deno" },
    )!,
    /^Cannot build the binary with DENORT_BIN="\/usr\/bin\/deno": point it at/,
  );
});

Deno.test("explainCompileFailure() leaves other failures to Deno's own message", () => {
  assert.equal(
    explainCompileFailure(
      "error: TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.\n",
      SETTING,
    ),
    undefined,
  );
});

Deno.test("tools/compile.ts prints one line and leaves no temporary file when DENORT_BIN names no file", async () => {
  await withTempDir(async (dir) => {
    const module = join(dir, "hello.ts");
    await Deno.writeTextFile(module, "console.log('hello');\n");
    const output = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "-A",
        fileURLToPath(new URL("../../tools/compile.ts", import.meta.url)),
        "--quiet",
        "--output",
        join(dir, "hello"),
        module,
      ],
      env: { DENORT_BIN: join(dir, "no-denort"), NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    assert.notEqual(output.code, 0);
    assert.equal(stderr.trimEnd().split("\n").length, 1, stderr);
    assert.match(stderr, /^compile: Cannot build the binary: DENORT_BIN is /);
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
      ["hello.ts"],
    );
  });
});

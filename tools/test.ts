/**
 * `deno task test`: runs the test suite (`deno test --parallel`, two test
 * modules at a time on a 2-core machine) with a temporary directory of its
 * own as `TMPDIR`, then checks that the tests left nothing in it: a test that
 * forgets to remove what it created fails the run, naming what it left.
 * The directory is removed either way, so the system's stays clean.
 *
 * Arguments replace the default `tests/`, e.g. `deno task test tests/cli/`.
 *
 * @module
 */
import { join } from "node:path";

const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
const tmp = await Deno.makeTempDir({ prefix: "ua-harvest-test-run-" });
let code: number;
try {
  const status = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--quiet", "--allow-all", "--parallel", ...args],
    env: {
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
  await Deno.remove(tmp, { recursive: true });
}
Deno.exit(code);

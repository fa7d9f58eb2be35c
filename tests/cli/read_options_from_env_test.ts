import assert from "node:assert/strict";
import { Command, CommanderError, Option } from "@commander-js/extra-typings";
import { readOptionsFromEnv } from "../../src/cli/read_options_from_env.ts";

function program() {
  const sub = new Command("run")
    .addOption(new Option("--depth <n>").env("UA_TEST_DEPTH").argParser(Number))
    .addOption(new Option("--mode <m>").env("UA_TEST_MODE").choices(["a", "b"]))
    .addOption(new Option("--loud").env("UA_TEST_LOUD"))
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .action(() => {});
  return { root: new Command().exitOverride().addCommand(sub), sub };
}

Deno.test("readOptionsFromEnv() takes bound options from the given environment through their parsers, a flag winning", () => {
  const { root, sub } = program();
  readOptionsFromEnv(root, { UA_TEST_DEPTH: "3", UA_TEST_LOUD: "" });
  root.parse(["run", "--mode", "b"], { from: "user" });
  assert.deepEqual(sub.opts(), { depth: 3, mode: "b", loud: true });
  assert.equal(sub.getOptionValueSource("depth"), "env");

  const again = program();
  readOptionsFromEnv(again.root, { UA_TEST_DEPTH: "3" });
  again.root.parse(["run", "--depth", "5"], { from: "user" });
  assert.equal(again.sub.opts().depth, 5);
});

Deno.test("readOptionsFromEnv() never reads the process environment, and reports a bad value as commander does", () => {
  const { root, sub } = program();
  readOptionsFromEnv(root, {});
  Deno.env.set("UA_TEST_DEPTH", "9");
  try {
    root.parse(["run"], { from: "user" });
  } finally {
    Deno.env.delete("UA_TEST_DEPTH");
  }
  assert.equal(sub.opts().depth, undefined);

  const bad = program();
  readOptionsFromEnv(bad.root, { UA_TEST_MODE: "c" });
  assert.throws(
    () => bad.root.parse(["run"], { from: "user" }),
    (error: unknown) =>
      error instanceof CommanderError &&
      /'c' from env 'UA_TEST_MODE' is invalid/.test(error.message),
  );
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadEnvFiles } from "../../src/config/load_env_files.ts";
import { validateEnvText } from "../../src/config/validate_env_text.ts";
import { ConfigError } from "../../src/errors.ts";

Deno.test("loadEnvFiles() reads the working directory's .env before the binary's", async () => {
  const cwd = await Deno.makeTempDir();
  const exe = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(cwd, ".env"),
      "A=from-cwd\n# comment\n\nexport B='quoted'\n",
    );
    await Deno.writeTextFile(join(exe, ".env"), "A=from-exe\nC=only-exe\n");
    const { values, files } = loadEnvFiles({ cwd, executableDir: exe });
    assert.deepEqual(values, { A: "from-cwd", B: "quoted", C: "only-exe" });
    assert.deepEqual(files, [join(cwd, ".env"), join(exe, ".env")]);
  } finally {
    await Deno.remove(cwd, { recursive: true });
    await Deno.remove(exe, { recursive: true });
  }
});

Deno.test("loadEnvFiles() with envFile reads only that file and requires it", async () => {
  const cwd = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(cwd, ".env"), "A=ignored\n");
    await Deno.writeTextFile(join(cwd, "other.env"), "A=chosen\n");
    assert.deepEqual(loadEnvFiles({ cwd, envFile: "other.env" }).values, {
      A: "chosen",
    });
    assert.throws(
      () => loadEnvFiles({ cwd, envFile: "missing.env" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        /missing\.env: it does not exist/.test(e.message),
    );
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});

Deno.test("loadEnvFiles() is empty when there is no .env", () => {
  assert.deepEqual(
    loadEnvFiles({ cwd: "/nonexistent-dir-for-test" }).values,
    {},
  );
});

Deno.test("validateEnvText() names the file and line of a malformed line without its value", () => {
  assert.throws(
    () => validateEnvText("A=1\nMATTERHORN_REST_PASS secret\n", "/x/.env"),
    (e: unknown) =>
      e instanceof ConfigError && e.message.includes("/x/.env line 2") &&
      !e.message.includes("secret"),
  );
});

Deno.test("validateEnvText() accepts multi-line quoted values and rejects unclosed ones", () => {
  validateEnvText('KEY="line one\nline two"\nOTHER=1\n', ".env");
  assert.throws(
    () => validateEnvText('A=1\nKEY="never closed\nB=2\n', ".env"),
    (e: unknown) =>
      e instanceof ConfigError && e.message.includes(".env line 2"),
  );
});

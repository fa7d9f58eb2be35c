/**
 * A Matomo token typed as a flag is refused, and never repeated: not by the
 * harvest's settings, not by a usage error of a command that has no such
 * flag (commander would quote `--flag=value` whole).
 *
 * @module
 */
import assert from "node:assert/strict";
import { runMain } from "../support/run_main.ts";

const TOKEN = "c0ffee0123456789abcdefc0ffee0123";

Deno.test("a token given as --matomo-token-auth is a usage error that never shows the token", async () => {
  for (
    const args of [
      ["harvest", "--source", "matomo", "--matomo-url", "http://127.0.0.1:9"],
      ["status"],
    ]
  ) {
    for (
      const flag of [["--matomo-token-auth", TOKEN], [
        `--matomo-token-auth=${TOKEN}`,
      ]]
    ) {
      const result = await runMain([...args, ...flag], {
        env: { MATOMO_TOKEN_AUTH: "" },
      });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /--matomo-token-auth/);
      assert.ok(
        !`${result.stdout}${result.stderr}`.includes(TOKEN),
        result.stderr,
      );
    }
  }
});

import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { defaultStateDir } from "../../src/checkpoint/default_state_dir.ts";

Deno.test("defaultStateDir() prefers XDG_STATE_HOME", () => {
  assert.equal(
    defaultStateDir({ XDG_STATE_HOME: "/var/lib/", HOME: "/home/ops" }),
    "/var/lib/ua-harvest",
  );
});

Deno.test("defaultStateDir() falls back to ~/.local/state", () => {
  assert.equal(
    defaultStateDir({ HOME: "/home/ops" }),
    "/home/ops/.local/state/ua-harvest",
  );
});

Deno.test("defaultStateDir() ignores a relative XDG_STATE_HOME", () => {
  assert.equal(
    defaultStateDir({ XDG_STATE_HOME: "state", HOME: "/home/ops" }),
    "/home/ops/.local/state/ua-harvest",
  );
});

Deno.test("defaultStateDir() asks for a setting without HOME", () => {
  assert.throws(() => defaultStateDir({}), ConfigError);
  assert.throws(() => defaultStateDir({ HOME: "" }), ConfigError);
});

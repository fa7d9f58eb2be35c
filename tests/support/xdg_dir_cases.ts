/**
 * The XDG base-directory rules the default state and cache directories both
 * follow, as one table of cases run against each.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";

/** What differs between the two directories. */
export interface XdgDirCases {
  /** `XDG_STATE_HOME` or `XDG_CACHE_HOME`. */
  readonly variable: string;
  /** Under `HOME` without it: `.local/state` or `.cache`. */
  readonly fallback: string;
}

/** Registers the tests of `dir()` (named `name`) for one XDG variable. */
export function defineXdgDirTests(
  name: string,
  dir: (env: Record<string, string>) => string,
  { variable, fallback }: XdgDirCases,
): void {
  const home = `/home/ops/${fallback}/ua-harvest`;
  Deno.test(`${name} prefers ${variable}, then ~/${fallback}, ignoring a relative ${variable}`, () => {
    const env = (value: string) => ({ [variable]: value, HOME: "/home/ops" });
    assert.equal(dir(env("/var/xdg/")), "/var/xdg/ua-harvest");
    assert.equal(dir({ HOME: "/home/ops" }), home);
    assert.equal(dir(env("relative")), home);
  });

  Deno.test(`${name} asks for a setting without HOME`, () => {
    assert.throws(() => dir({}), ConfigError);
    assert.throws(() => dir({ HOME: "" }), ConfigError);
  });
}

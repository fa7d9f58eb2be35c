import { ConfigError } from "../errors.ts";

/**
 * Computes the directory for the local checkpoint file, following the XDG
 * base directory convention: `$XDG_STATE_HOME/ua-harvest` or
 * `$HOME/.local/state/ua-harvest`. Pure: the caller passes the environment.
 *
 * Throws {@linkcode ConfigError} when neither variable gives a directory
 * (`XDG_STATE_HOME` must be absolute), asking for `--state-file`.
 *
 * @example
 * ```ts
 * defaultStateDir({ HOME: "/home/ops" }); // "/home/ops/.local/state/ua-harvest"
 * ```
 */
export function defaultStateDir(
  env: Readonly<Record<string, string | undefined>>,
): string {
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  if (xdg !== undefined && xdg.startsWith("/")) {
    return `${xdg.replace(/\/+$/, "")}/ua-harvest`;
  }
  const home = env.HOME;
  if (home !== undefined && home !== "") {
    return `${home.replace(/\/+$/, "")}/.local/state/ua-harvest`;
  }
  throw new ConfigError(
    `Cannot find a state directory: set HOME or XDG_STATE_HOME, or pass --state-file`,
  );
}

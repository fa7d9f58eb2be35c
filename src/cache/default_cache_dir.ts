import { ConfigError } from "../errors.ts";

/**
 * Computes the directory for the embedded episode cache, following the XDG
 * base directory convention: `$XDG_CACHE_HOME/ua-harvest` or
 * `$HOME/.cache/ua-harvest`. Pure: the caller passes the environment.
 *
 * Throws {@linkcode ConfigError} when neither variable gives a directory
 * (`XDG_CACHE_HOME` must be absolute), asking for `--cache-file`.
 *
 * @example
 * ```ts
 * defaultCacheDir({ HOME: "/home/ops" }); // "/home/ops/.cache/ua-harvest"
 * ```
 */
export function defaultCacheDir(
  env: Readonly<Record<string, string | undefined>>,
): string {
  // The XDG spec says a relative value is invalid and must be ignored.
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg.startsWith("/")) {
    return `${xdg.replace(/\/+$/, "")}/ua-harvest`;
  }
  const home = env.HOME;
  if (home !== undefined && home !== "") {
    return `${home.replace(/\/+$/, "")}/.cache/ua-harvest`;
  }
  throw new ConfigError(
    `Cannot find a cache directory: set HOME or XDG_CACHE_HOME, or pass --cache-file`,
  );
}

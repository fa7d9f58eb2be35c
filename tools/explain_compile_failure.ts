/**
 * Why `deno compile` failed, in one line, when the cause is its runtime:
 * `deno compile` builds the binary from `denort`, which it downloads from
 * dl.deno.land the first time unless `DENORT_BIN` names one. Offline, or
 * with `DENORT_BIN` pointing at the wrong file, Deno prints an error chain
 * and a Rust backtrace that never say what to do.
 *
 * @module
 */

/** What the explanation needs to know about this Deno. */
export interface CompileSetting {
  /** `Deno.version.deno`, e.g. `2.9.6`. */
  readonly version: string;
  /** `Deno.build.target`, e.g. `x86_64-unknown-linux-gnu`. */
  readonly target: string;
  /** The `DENORT_BIN` environment variable, when set. */
  readonly denortBin?: string;
}

/** The file `DENORT_BIN` needs, as dl.deno.land serves it (zipped). */
export function denortUrl(setting: CompileSetting): string {
  return `https://dl.deno.land/release/v${setting.version}/denort-${setting.target}.zip`;
}

/**
 * One line saying what to do when `deno compile` failed for want of its
 * runtime; `undefined` when the failure is something else (a type error in
 * the code: Deno's own message says it better).
 *
 * @param stderr What `deno compile` wrote to stderr.
 * @param setting This Deno's version and target, and `DENORT_BIN`.
 */
export function explainCompileFailure(
  stderr: string,
  setting: CompileSetting,
): string | undefined {
  const url = denortUrl(setting);
  const which =
    `the denort binary of Deno ${setting.version} for ${setting.target}, unzipped from ${url}`;
  const { denortBin } = setting;
  if (denortBin !== undefined && denortBin !== "") {
    if (/Could not find denort at/i.test(stderr)) {
      return `Cannot build the binary: DENORT_BIN is "${denortBin}", where there is no file: point it at ${which}`;
    }
    if (/base binary|stack overflow|panicked|denort/i.test(stderr)) {
      return `Cannot build the binary with DENORT_BIN="${denortBin}": point it at ${which}`;
    }
    return undefined;
  }
  if (/dl\.deno\.land|Setting up base binary/i.test(stderr)) {
    return `Cannot build the binary: deno compile needs Deno's runtime ${
      url.slice(url.lastIndexOf("/") + 1)
    } and could not download it from dl.deno.land; fetch ${url} where it can be reached, unzip it, and run DENORT_BIN=/path/to/denort deno task compile`;
  }
  return undefined;
}

import { parseEnv } from "node:util";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../errors.ts";
import { validateEnvText } from "./validate_env_text.ts";

/** Options for {@linkcode loadEnvFiles}. */
export interface LoadEnvFilesOptions {
  /**
   * Read only this file (`--env-file PATH`); a missing file is an error.
   * @default undefined (read `.env` from the working directory, then beside the executable)
   */
  readonly envFile?: string;
  /** The working directory. */
  readonly cwd: string;
  /**
   * The directory of the installed binary; its `.env` is read after the working
   * directory's, since cron runs in `$HOME` and the original read the `.env`
   * beside its script.
   * @default undefined (no second file)
   */
  readonly executableDir?: string;
}

/** What {@linkcode loadEnvFiles} found. */
export interface LoadedEnv {
  /** The settings, the first file's value winning for a key set in two files. */
  readonly values: Readonly<Record<string, string>>;
  /** The files that were read, in order. */
  readonly files: readonly string[];
}

/**
 * Reads `.env` settings. A malformed line is a {@linkcode ConfigError} naming
 * the file and the line; nothing is applied to the environment here.
 */
export function loadEnvFiles(options: LoadEnvFilesOptions): LoadedEnv {
  const { envFile, cwd, executableDir } = options;
  const candidates = envFile !== undefined ? [resolve(cwd, envFile)] : [
    ...new Set([
      join(cwd, ".env"),
      ...(executableDir ? [join(executableDir, ".env")] : []),
    ]),
  ];
  const values: Record<string, string> = {};
  const files: string[] = [];
  for (const path of candidates) {
    const text = readIfExists(path, envFile !== undefined);
    if (text === null) continue;
    validateEnvText(text, path);
    files.push(path);
    for (const [key, value] of Object.entries(parseEnv(text))) {
      if (!(key in values) && value !== undefined) values[key] = value;
    }
  }
  return { values, files };
}

function readIfExists(path: string, required: boolean): string | null {
  try {
    // Editors on Windows start UTF-8 files with a byte-order mark; left in,
    // it would glue itself to the first key's name and hide that setting.
    return Deno.readTextFileSync(path).replace(/^\uFEFF/, "");
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && !required) return null;
    if (error instanceof Deno.errors.NotFound) {
      throw new ConfigError(
        `Cannot read the settings file ${path}: it does not exist`,
      );
    }
    throw new ConfigError(
      `Cannot read the settings file ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** The directory of the running binary, or `undefined` when run by `deno run`. */
export function compiledExecutableDir(): string | undefined {
  const exe = Deno.execPath();
  // `deno run main.ts` runs the deno binary itself; only a compiled binary
  // has a directory of its own worth reading a `.env` from.
  return /(^|[/\\])deno(\.exe)?$/.test(exe) ? undefined : dirname(exe);
}

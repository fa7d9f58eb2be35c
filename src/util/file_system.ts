/**
 * The few file operations the state stores make, behind one small interface,
 * so a test can make any of them fail the way a full or read-only disk does
 * (`ENOSPC`, `EROFS`) without needing one.
 *
 * @module
 */

/** The file operations of an atomic replace and of a write probe. */
export interface FileSystem {
  /** Creates a directory and its parents (no error when it exists). */
  mkdir(dir: string): Promise<void>;
  /** Creates an empty file with a unique name in `dir`; returns its path. */
  makeTempFile(
    options: { dir: string; prefix: string; suffix: string },
  ): Promise<string>;
  /** Writes all of `data` into the existing file and flushes it to disk. */
  writeAndSync(path: string, data: Uint8Array): Promise<void>;
  /** Renames `from` over `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file. */
  remove(path: string): Promise<void>;
  /** Reads a whole file as UTF-8. */
  readTextFile(path: string): Promise<string>;
}

/** The real file system, through Deno. */
export const DENO_FILE_SYSTEM: FileSystem = {
  mkdir: (dir) => Deno.mkdir(dir, { recursive: true }),
  makeTempFile: (options) => Deno.makeTempFile(options),
  async writeAndSync(path, data) {
    using file = await Deno.open(path, { write: true, truncate: true });
    let written = 0;
    while (written < data.length) {
      written += await file.write(data.subarray(written));
    }
    await file.sync();
  },
  rename: (from, to) => Deno.rename(from, to),
  remove: (path) => Deno.remove(path),
  readTextFile: (path) => Deno.readTextFile(path),
};

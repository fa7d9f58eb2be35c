import { basename, dirname } from "node:path";
import { DENO_FILE_SYSTEM, type FileSystem } from "./file_system.ts";

/** Options for {@linkcode replaceFileAtomically}. */
export interface ReplaceFileOptions {
  /** The file operations (tests make them fail). @default DENO_FILE_SYSTEM */
  readonly fs?: FileSystem;
}

/**
 * Replaces a file's content so that readers see either the old or the new
 * text, never half of it: writes a hidden temporary file beside it (same
 * file system), flushes it to disk and renames it over the target, then
 * syncs the directory. Creates missing directories.
 *
 * The temporary file is named `.<name>-<random>.tmp`, which collectors that
 * read `*.prom` or `*.json` files skip.
 *
 * @example
 * ```ts ignore
 * await replaceFileAtomically("/var/lib/node_exporter/textfile/ua_harvest.prom", text);
 * ```
 */
export async function replaceFileAtomically(
  path: string,
  text: string,
  options: ReplaceFileOptions = {},
): Promise<void> {
  const { fs = DENO_FILE_SYSTEM } = options;
  const dir = dirname(path);
  await fs.mkdir(dir);
  const temp = await fs.makeTempFile({
    dir,
    prefix: `.${basename(path)}-`,
    suffix: ".tmp",
  });
  try {
    await fs.writeAndSync(temp, new TextEncoder().encode(text));
    await fs.rename(temp, path);
  } catch (error) {
    await fs.remove(temp).catch(() => {});
    throw error;
  }
  await syncDirectory(dir);
}

// Makes the rename itself durable: without it a power cut right after the
// write may bring back the previous content.
async function syncDirectory(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  try {
    using handle = await Deno.open(dir, { read: true });
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory; the rename still stands.
  }
}

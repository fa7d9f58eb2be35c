import { basename, dirname } from "node:path";

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
): Promise<void> {
  const dir = dirname(path);
  await Deno.mkdir(dir, { recursive: true });
  const temp = await Deno.makeTempFile({
    dir,
    prefix: `.${basename(path)}-`,
    suffix: ".tmp",
  });
  try {
    {
      using file = await Deno.open(temp, { write: true, truncate: true });
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written));
      }
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
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

import { DENO_FILE_SYSTEM, type FileSystem } from "../util/file_system.ts";

/** Options for {@linkcode probeDirectory}. */
export interface ProbeDirectoryOptions {
  /** The file operations (tests make them fail). @default DENO_FILE_SYSTEM */
  readonly fs?: FileSystem;
}

/**
 * Proves a directory takes a file of `bytes` bytes: creates it (and its
 * parents), writes a hidden temporary file that large, flushes it to disk
 * and removes it. A read-only or full file system, or a directory this user
 * may not write, fails here with the operating system's error, before
 * anything depends on the write. The bytes are random so that a compressing
 * file system cannot pass the probe with less room than the real write needs.
 *
 * @example
 * ```ts ignore
 * await probeDirectory("/var/lib/ua-harvest", 32_768);
 * ```
 */
export async function probeDirectory(
  dir: string,
  bytes: number,
  options: ProbeDirectoryOptions = {},
): Promise<void> {
  const { fs = DENO_FILE_SYSTEM } = options;
  await fs.mkdir(dir);
  const temp = await fs.makeTempFile({
    dir,
    prefix: ".ua-harvest-probe-",
    suffix: ".tmp",
  });
  try {
    await fs.writeAndSync(temp, randomBytes(bytes));
  } finally {
    await fs.remove(temp).catch(() => {});
  }
}

function randomBytes(length: number): Uint8Array {
  const data = new Uint8Array(length);
  // getRandomValues fills at most 64 KiB at a time.
  for (let at = 0; at < length; at += 65_536) {
    crypto.getRandomValues(data.subarray(at, Math.min(length, at + 65_536)));
  }
  return data;
}

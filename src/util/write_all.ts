/**
 * Writes all of `bytes`, however short the writes the output accepts (a
 * pipe, a socket and a file may each take part of a buffer per write).
 *
 * @example Usage
 * ```ts ignore
 * await writeAll(Deno.stdout, new TextEncoder().encode("done\n"));
 * ```
 *
 * @param output Where to write: a file, a connection, stdout.
 * @param bytes What to write.
 */
export async function writeAll(
  output: { write(bytes: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await output.write(bytes.subarray(written));
  }
}

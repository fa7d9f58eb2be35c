/**
 * The directory a CLI run works in: `cwd` when the test gave one, else a
 * fresh temporary one that the caller removes afterwards (`owned`).
 */
export function runDir(
  cwd: string | undefined,
  prefix: string,
): { readonly cwd: string; readonly owned: string | undefined } {
  if (cwd !== undefined) return { cwd, owned: undefined };
  const owned = Deno.makeTempDirSync({ prefix });
  return { cwd: owned, owned };
}

/**
 * Runs `test` with a fresh temporary directory, removed after it whatever
 * happens (the test task fails a run that leaves one behind).
 *
 * @example
 * ```ts
 * await withTempDir(async (dir) => {
 *   await Deno.writeTextFile(`${dir}/x`, "");
 * });
 * ```
 */
export async function withTempDir<T>(
  test: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-test-" });
  try {
    return await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

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

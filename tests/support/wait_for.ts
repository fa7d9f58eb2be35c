/**
 * Polls until `condition` holds, every 10 ms: for waiting on what another
 * party does (a subprocess, a server) instead of sleeping a fixed time.
 * Throws after `timeoutMs`.
 *
 * @example
 * ```ts
 * await waitFor(() => sqs.messages("q").length >= 100, "a first page");
 * ```
 */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Reads a process's output until its first full line (a server's "listening
 * on" line), then stops reading it.
 *
 * @example
 * ```ts
 * const line = await firstLine(child.stdout);
 * ```
 */
export async function firstLine(
  stream: ReadableStream<Uint8Array>,
): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  return text.split("\n")[0]!;
}

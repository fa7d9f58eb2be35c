/**
 * A file run lock held by another process, for what only another process
 * shows: a holder's PID, and the kernel dropping the lock of a process that
 * died.
 *
 * @module
 */
const REPO_ROOT = new URL("../../", import.meta.url);
const MODULE = new URL("src/lock/file_run_lock.ts", REPO_ROOT).href;

/** Starts another process that takes the lock and sleeps; resolves once held. */
export async function holdInChild(
  path: string,
): Promise<{ pid: number; kill: () => Promise<void> }> {
  const code = `
    const { acquireFileRunLock } = await import(${JSON.stringify(MODULE)});
    await acquireFileRunLock({ path: ${JSON.stringify(path)} });
    console.log("locked");
    await new Promise((resolve) => setTimeout(resolve, 600_000));
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("locked")) {
    const { value, done } = await reader.read();
    if (done) {
      await child.status;
      throw new Error(`The child exited before taking the lock: ${seen}`);
    }
    seen += value;
  }
  return {
    pid: child.pid,
    // stdout is piped through the decoder, so it is cancelled through its reader.
    kill: async () => {
      child.kill("SIGKILL");
      await child.status;
      await reader.cancel();
    },
  };
}

/**
 * `simulate --flavor matomo` through the CLI: Matomo's API with the given
 * token and zone, live arrivals, and one line for flags of the other kind.
 */
import assert from "node:assert/strict";
import { cliCommand, runCli } from "../support/run_cli.ts";

/** Reads stdout until the first full line. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text.split("\n")[0]!;
}

Deno.test("CLI simulate --flavor matomo serves index.php with the token, the site's zone and arriving actions", async () => {
  const child = cliCommand([
    "simulate",
    "--flavor",
    "matomo",
    "--port",
    "0",
    "--actions",
    "100",
    "--token-auth",
    "t0ken",
    "--arrivals-per-second",
    "40",
  ]).spawn();
  try {
    const line = await firstLine(child.stdout);
    const url = /^Simulator listening on (http:\/\/\S+)$/.exec(line)?.[1];
    assert.ok(url, `unexpected first line: ${line}`);
    const post = async (method: string) =>
      await (await fetch(`${url}/index.php`, {
        method: "POST",
        body: new URLSearchParams({
          module: "API",
          format: "JSON",
          method,
          idSite: "1",
          token_auth: "t0ken",
        }),
      })).json();
    assert.equal(
      (await post("SitesManager.getSiteFromId")).timezone,
      "Europe/Berlin",
    );
    const count = async () =>
      (await (await fetch(`${url}/_sim/truth`)).json()).actions.length;
    const before = await count();
    let after = before;
    for (let attempt = 0; attempt < 100 && after <= before; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await count();
    }
    assert.ok(after > before, "no arrivals after polling");
  } finally {
    child.kill("SIGTERM");
    await child.stderr.cancel();
  }
  assert.equal((await child.status).success, true);
});

Deno.test("CLI simulate rejects Opencast flags with --flavor matomo and Matomo flags without it, with exit 2", async () => {
  const opencastFlag = await runCli([
    "simulate",
    "--flavor",
    "matomo",
    "--id-nodes",
    "3",
  ]);
  assert.equal(opencastFlag.code, 2, opencastFlag.stderr);
  assert.match(
    opencastFlag.stderr,
    /--id-nodes applies to the Opencast flavors/,
  );
  const matomoFlag = await runCli(["simulate", "--site-id", "2"]);
  assert.equal(matomoFlag.code, 2, matomoFlag.stderr);
  assert.match(matomoFlag.stderr, /--site-id applies to --flavor matomo only/);
});

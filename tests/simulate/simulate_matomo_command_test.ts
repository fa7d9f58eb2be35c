/**
 * `simulate --flavor matomo` through the CLI: Matomo's API with the given
 * token and zone, live arrivals, and one line for flags of the other kind.
 */
import assert from "node:assert/strict";
import { type MainRun, runMain, startMain } from "../support/run_main.ts";
import { waitFor } from "../support/wait_for.ts";

/** Waits for the run's first full line on stdout. */
async function firstLine(run: MainRun): Promise<string> {
  await waitFor(() => run.stdout().includes("\n"), "a line on stdout");
  return run.stdout().split("\n")[0]!;
}

Deno.test("CLI simulate --flavor matomo serves index.php with the token, the site's zone and arriving actions", async () => {
  const run = startMain([
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
  ]);
  try {
    const line = await firstLine(run);
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
    run.kill("SIGTERM");
  }
  assert.equal((await run.done).code, 0);
});

Deno.test("CLI simulate rejects Opencast flags with --flavor matomo and Matomo flags without it, with exit 2", async () => {
  const opencastFlag = await runMain([
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
  const matomoFlag = await runMain(["simulate", "--site-id", "2"]);
  assert.equal(matomoFlag.code, 2, matomoFlag.stderr);
  assert.match(matomoFlag.stderr, /--site-id applies to --flavor matomo only/);
});

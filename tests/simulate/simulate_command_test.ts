import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { runSimulate } from "../../src/simulate/simulate_command.ts";
import { spawnCli } from "../support/run_cli.ts";
import { runMain } from "../support/run_main.ts";
import { firstLine } from "../support/first_line.ts";

const COMMAND_URL =
  new URL("../../src/simulate/simulate_command.ts", import.meta.url).href;

Deno.test("runSimulate() prints the URL, serves, keeps actions arriving and stops on the signal", async () => {
  const script = `
    import { runSimulate } from ${JSON.stringify(COMMAND_URL)};
    const controller = new AbortController();
    Deno.addSignalListener("SIGTERM", () => controller.abort());
    await runSimulate({ port: 0, actions: 20, arrivalsPerSecond: 50, signal: controller.signal });
    console.log("stopped");
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const line = await firstLine(child.stdout);
    const match = /^Simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(
      line,
    );
    assert.ok(match, `unexpected first line: ${line}`);
    const url = match[1]!;
    const body = await (await fetch(`${url}/usertracking/actions.json?limit=1`))
      .json();
    assert.ok(Number(body.actions.total) >= 20);
    // New actions arrive once a second; poll instead of assuming a timing.
    let count = 0;
    for (let attempt = 0; attempt < 100 && count <= 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      count = (await (await fetch(`${url}/_sim/actions`)).json()).length;
    }
    assert.ok(count > 20, `no arrivals after polling: ${count}`);
  } finally {
    child.kill("SIGTERM");
  }
  const status = await child.status;
  assert.equal(status.success, true);
});

Deno.test("runSimulate() rejects a negative arrival rate before starting", async () => {
  await assert.rejects(
    runSimulate({ port: 0, arrivalsPerSecond: -1 }),
    ConfigError,
  );
});

Deno.test("CLI simulate passes --flavor, --day-seconds, --order, --no-usertracking and the machine's zone through", async () => {
  // A subprocess: the machine's zone is the process's (TZ).
  await using simulate = spawnCli([
    "simulate",
    "--port",
    "0",
    "--actions",
    "50",
    "--flavor",
    "oc16",
    "--day-seconds",
    "30.5",
    "--order",
    "created",
    "--no-usertracking",
  ], { env: { TZ: "Asia/Tokyo" } });
  const { child } = simulate;
  try {
    const line = await firstLine(child.stdout);
    const url = /(http:\/\/\S+)$/.exec(line)?.[1];
    assert.ok(url, `unexpected first line: ${line}`);
    const components = await (await fetch(`${url}/info/components.json`))
      .json();
    assert.match(components.version, /^16\./);
    const actions = await fetch(`${url}/usertracking/actions.json`);
    await actions.body?.cancel();
    assert.equal(actions.status, 404);
    const search = await (await fetch(`${url}/search/episode.json`)).json();
    assert.ok(Array.isArray(search.result));
    // The episodes' dates are written in the server zone: the machine's.
    const offsets = (await (await fetch(`${url}/_sim/actions`)).json())
      .map((a: { createdText: string }) => a.createdText.slice(-6));
    assert.ok(offsets.every((offset: string) => offset === "+09:00"));
  } finally {
    child.kill("SIGTERM");
    await child.stderr.cancel();
  }
  await child.status;
});

Deno.test("CLI simulate rejects an unknown --flavor with one line and exit 2", async () => {
  const result = await runMain(["simulate", "--flavor", "oc99"]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--flavor/);
  assert.match(result.stderr, /dce/);
});

/**
 * `deno task demo`: starts the built-in Opencast simulator on a free port and
 * runs the harvest against it with the embedded defaults (records on stdout,
 * logs on stderr). `deno task demo matomo` harvests the built-in Matomo
 * simulator instead (`--source matomo`), with an Opencast 18+ simulator for
 * the episodes and the token in a `.env` file, as a deployment keeps it.
 * State and cache go to a temporary directory, so the demo never moves a real
 * checkpoint.
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../main.ts";
import { startSimulator } from "./simulate/start_simulator.ts";
import { startMatomoSimulator } from "./simulate/start_matomo_simulator.ts";

const zone = Temporal.Now.timeZoneId();
const dir = await Deno.makeTempDir({ prefix: "ua-harvest-demo-" });
const envFile = join(dir, "demo.env");
await Deno.writeTextFile(envFile, "");
const state = [
  "--state-file",
  join(dir, "checkpoint.json"),
  "--cache-file",
  join(dir, "episodes.sqlite"),
];
let code = 1;
if (Deno.args[0] === "matomo") {
  await using opencast = await startSimulator({
    port: 0,
    flavor: "oc16",
    usertracking: false,
    actions: 0,
    quiet: true,
  });
  await using matomo = await startMatomoSimulator({ port: 0, quiet: true });
  await Deno.writeTextFile(envFile, `MATOMO_TOKEN_AUTH=${matomo.tokenAuth}\n`);
  // The simulated site has a visit of merged anonymous viewers longer than
  // Matomo shows: say so before its warning comes.
  console.error(
    `Demo: harvesting the last two hours of the built-in Matomo simulator at ${matomo.url}, ` +
      `episodes from an Opencast 18+ simulator at ${opencast.url}; records go to stdout, logs to stderr. ` +
      "One visit of merged anonymous viewers is longer than Matomo shows: its warning below is expected.",
  );
  code = await main([
    "harvest",
    "--env-file",
    envFile,
    "--source",
    "matomo",
    "--matomo-url",
    matomo.url,
    "--engage_host",
    opencast.url,
    "--interval",
    "120",
    "--output",
    "-",
    ...state,
    "--wait",
    "0.2",
  ]);
} else {
  await using simulator = await startSimulator({
    port: 0,
    actions: 2000,
    episodes: 40,
    spanSeconds: 110,
    timezone: zone,
    user: "demo",
    password: "demo-password",
    quiet: true,
  });
  // The simulator, like a real engage node, has actions of mediapackages
  // whose episode is gone: say so before their warnings come.
  console.error(
    `Demo: harvesting ${simulator.actions().length} actions of the built-in Opencast simulator at ${simulator.url}; ` +
      "records go to stdout, logs to stderr. A few of its mediapackages have no episode, as on a real " +
      "engage node: the 'No episode found' warnings below are expected.",
  );
  code = await main([
    "harvest",
    "--env-file",
    envFile,
    "--engage_host",
    simulator.url,
    "--user",
    "demo",
    "--password",
    "demo-password",
    "--server-timezone",
    zone,
    "--output",
    "-",
    ...state,
    "--wait",
    "0.2",
  ]);
}
await Deno.remove(dir, { recursive: true });
Deno.exit(code);

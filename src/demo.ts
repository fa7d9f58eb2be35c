/**
 * `deno task demo`: starts the built-in Opencast simulator on a free port and
 * runs the harvest against it with the embedded defaults (records on stdout,
 * logs on stderr). State and cache go to a temporary directory, so the demo
 * never moves a real checkpoint.
 *
 * @module
 */
import { join } from "node:path";
import { main } from "../main.ts";
import { startSimulator } from "./simulate/start_simulator.ts";

const zone = Temporal.Now.timeZoneId();
const dir = await Deno.makeTempDir({ prefix: "ua-harvest-demo-" });
const emptyEnv = join(dir, "demo.env");
await Deno.writeTextFile(emptyEnv, "");
let code = 1;
{
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
    emptyEnv,
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
    "--state-file",
    join(dir, "checkpoint.json"),
    "--cache-file",
    join(dir, "episodes.sqlite"),
    "--wait",
    "0.2",
  ]);
}
await Deno.remove(dir, { recursive: true });
Deno.exit(code);

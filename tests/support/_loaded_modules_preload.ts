/**
 * Preloaded into a CLI run by a test (`deno run --preload`): records the URL
 * of every script V8 parses, through the inspector, and writes them, one per
 * line, to `UA_HARVEST_LOADED_MODULES` when the program exits. Tells which
 * packages a command really loaded, dynamic imports included.
 *
 * @module
 */
import { Session } from "node:inspector";

const path = Deno.env.get("UA_HARVEST_LOADED_MODULES");
if (path) {
  const urls = new Set<string>();
  const session = new Session();
  session.connect();
  session.on("Debugger.scriptParsed", (message) => {
    urls.add((message.params as { url: string }).url);
  });
  session.post("Debugger.enable");
  const exit = Deno.exit;
  // main.ts ends with Deno.exit(code).
  Object.defineProperty(Deno, "exit", {
    value: (code?: number) => {
      Deno.writeTextFileSync(path, [...urls].join("\n"));
      exit(code);
    },
  });
}

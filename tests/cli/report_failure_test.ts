import assert from "node:assert/strict";
import { CommanderError } from "@commander-js/extra-typings";
import { getLogger } from "@logtape/logtape";
import { reportFailure } from "../../src/cli/report_failure.ts";
import { testContext } from "../support/command_context.ts";
import { ConfigError, UnreachableError } from "../../src/errors.ts";
import { withRecordedLogging } from "../support/recorded_logging.ts";

const context = testContext;

Deno.test("reportFailure() writes a settings error before logging as the one fatal line", () => {
  const written: string[] = [];
  const code = reportFailure(
    new ConfigError("Cannot read .env line 3: expected KEY=VALUE"),
    context(),
    { write: (text) => void written.push(text) },
  );
  assert.equal(code, 2);
  assert.deepEqual(written, [
    "ua-harvest: Cannot read .env line 3: expected KEY=VALUE (exit 2: bad flags or settings, see ua-harvest --help)\n",
  ]);
});

Deno.test("reportFailure() prints a run-time error through logging in the same format, without time or level", async () => {
  await withRecordedLogging({ secrets: ["hunter22"] }, (status) => {
    getLogger(["ua-harvest", "harvest"]).warn("A warning first");
    const code = reportFailure(
      new UnreachableError("Opencast engage host x did not answer: hunter22"),
      context({ loggingConfigured: true, command: "harvest" }),
      { write: () => assert.fail("logging is configured") },
    );
    assert.equal(code, 4);
    assert.match(status.lines[0]!, / \[WRN\] harvest: A warning first\n$/);
    assert.equal(
      status.lines[1],
      "ua-harvest: Opencast engage host x did not answer: *** (exit 4: a service was unreachable or did not answer)\n",
    );
  });
});

Deno.test("reportFailure() logs the fatal line as JSON with --log-format json", async () => {
  await withRecordedLogging({ format: "json" }, (status) => {
    reportFailure(
      new UnreachableError("Opencast down"),
      context({ loggingConfigured: true }),
    );
    const event = JSON.parse(status.lines[0]!);
    assert.equal(event.level, "ERROR");
    assert.equal(
      event.message,
      "ua-harvest: Opencast down (exit 4: a service was unreachable or did not answer)",
    );
    assert.equal(event.properties.exitCode, 4);
  });
});

Deno.test("reportFailure() reports a stop by the first signal as 143, an unknown error as 1", () => {
  const controller = new AbortController();
  controller.abort("SIGTERM");
  const written: string[] = [];
  const write = (text: string) => void written.push(text);
  assert.equal(
    reportFailure("SIGTERM", context({ signal: controller.signal }), { write }),
    143,
  );
  assert.equal(
    reportFailure(new TypeError("x is undefined"), context(), { write }),
    1,
  );
  assert.deepEqual(written, [
    "ua-harvest: Stopped by SIGTERM (exit 143: stopped by SIGTERM)\n",
    "ua-harvest: Unexpected error: x is undefined (exit 1: unexpected failure, please report it with --log-level debug output)\n",
  ]);
});

Deno.test("reportFailure() prints nothing more for commander's errors, which printed themselves", () => {
  const write = () => assert.fail("commander printed it");
  assert.equal(
    reportFailure(
      new CommanderError(1, "commander.unknownOption", "x"),
      context(),
      { write },
    ),
    2,
  );
  assert.equal(
    reportFailure(
      new CommanderError(0, "commander.helpDisplayed", "(outputHelp)"),
      context(),
      { write },
    ),
    0,
  );
});

import assert from "node:assert/strict";
import { EXIT_CODE_MEANINGS, EXIT_CODES } from "../../src/errors.ts";
import { fatalLine, usageErrorMessage } from "../../src/cli/fatal_line.ts";

Deno.test("fatalLine() is the prefix, the message and the exit code's meaning on one line", () => {
  assert.equal(
    fatalLine(
      "Opencast engage host x did not answer /usertracking/actions.json after 5 attempts: last HTTP 503",
      4,
    ),
    "ua-harvest: Opencast engage host x did not answer /usertracking/actions.json after 5 attempts: last HTTP 503 (exit 4: a service was unreachable or did not answer)",
  );
});

Deno.test("fatalLine() points a usage error at the command's --help", () => {
  assert.equal(
    fatalLine("No Opencast host: set MATTERHORN_ENGAGE_HOST", 2, {
      command: "harvest",
    }),
    "ua-harvest: No Opencast host: set MATTERHORN_ENGAGE_HOST (exit 2: bad flags or settings, see ua-harvest harvest --help)",
  );
  assert.match(fatalLine("Unknown command 'x'", 2), /see ua-harvest --help\)$/);
});

Deno.test("fatalLine() keeps a message with line breaks on one line, without a final period", () => {
  assert.equal(
    fatalLine("Something broke.\n  More detail.", 1),
    `ua-harvest: Something broke. More detail (exit 1: ${
      EXIT_CODE_MEANINGS[1]
    })`,
  );
});

Deno.test("EXIT_CODE_MEANINGS names every exit code", () => {
  for (const code of Object.values(EXIT_CODES)) {
    assert.ok(EXIT_CODE_MEANINGS[code], `exit ${code}`);
  }
});

Deno.test("usageErrorMessage() puts commander's 'Did you mean' on the same line, in sentence case", () => {
  const table: [string, string][] = [
    [
      "error: unknown option '--engage-hos' for 'harvest'\n(Did you mean --engage_host?)\n",
      "Unknown option '--engage-hos' for 'harvest'; did you mean --engage_host?",
    ],
    [
      "error: unknown command 'harvst'\n(Did you mean harvest?)",
      "Unknown command 'harvst'; did you mean harvest?",
    ],
    [
      "error: option '--timeout <seconds>' argument '0' is invalid. expected a number of seconds more than 0 and up to 600\n",
      "Option '--timeout <seconds>' argument '0' is invalid: expected a number of seconds more than 0 and up to 600",
    ],
    [
      "error: too many arguments for 'harvest'. Expected 0 arguments but got 1.\n",
      "Too many arguments for 'harvest': expected 0 arguments but got 1",
    ],
  ];
  for (const [commander, message] of table) {
    assert.equal(usageErrorMessage(commander), message);
  }
});

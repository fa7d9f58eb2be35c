import assert from "node:assert/strict";
import { signalExitCode } from "../src/errors.ts";

Deno.test("signalExitCode() is 130 for SIGINT and 143 for SIGTERM", () => {
  assert.equal(signalExitCode("SIGINT"), 130);
  assert.equal(signalExitCode("SIGTERM"), 143);
});

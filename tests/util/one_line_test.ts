import assert from "node:assert/strict";
import { oneLine } from "../../src/util/one_line.ts";

Deno.test("oneLine() puts a message on one line, trimmed", () => {
  assert.equal(
    oneLine("  Bad request:\n\t missing field\r\n"),
    "Bad request: missing field",
  );
  assert.equal(oneLine(" \n "), "");
});

Deno.test("oneLine() cuts a line longer than maxLength to end with ...", () => {
  const cut = oneLine(`${"x".repeat(400)}\n`, { maxLength: 300 });
  assert.equal(cut, `${"x".repeat(297)}...`);
  assert.equal(oneLine("x".repeat(300), { maxLength: 300 }), "x".repeat(300));
});

import assert from "node:assert/strict";
import { ECHO_MAX_CHARS, echoValue } from "../../src/util/echo_value.ts";

Deno.test("echoValue() keeps a short value as it is", () => {
  assert.equal(echoValue("matterhorn.example.edu"), "matterhorn.example.edu");
});

Deno.test("echoValue() cuts a long value and names its length", () => {
  const echoed = echoValue("h".repeat(100_000));
  assert.ok(echoed.length < ECHO_MAX_CHARS + 40, `${echoed.length} chars`);
  assert.match(echoed, /^h+… \(100000 characters\)$/);
});

Deno.test("echoValue() keeps the message on one line and never splits a character", () => {
  assert.equal(echoValue("a\nb\r\tc\u0001"), "a\\nb\\r\\tc\\u0001");
  const emoji = echoValue("😀".repeat(10), 3);
  assert.equal(emoji, "😀😀😀… (10 characters)");
});

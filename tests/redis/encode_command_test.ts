import assert from "node:assert/strict";
import { encodeCommand } from "../../src/redis/encode_command.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("encodeCommand() writes an array of bulk strings, byte for byte", () => {
  assert.equal(
    text(encodeCommand(["SET", "ua-harvest:episode:mp-1", "{}", "PX", 60000])),
    "*5\r\n$3\r\nSET\r\n$23\r\nua-harvest:episode:mp-1\r\n$2\r\n{}\r\n$2\r\nPX\r\n$5\r\n60000\r\n",
  );
  assert.equal(text(encodeCommand(["PING"])), "*1\r\n$4\r\nPING\r\n");
});

Deno.test("encodeCommand() counts UTF-8 bytes, not characters, and sends empty strings", () => {
  const bytes = encodeCommand(["SET", "k", "Zürich ✓", ""]);
  assert.deepEqual(
    [...bytes],
    [
      ...new TextEncoder().encode("*4\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\n"),
      ...new TextEncoder().encode("Zürich ✓"),
      ...new TextEncoder().encode("\r\n$0\r\n\r\n"),
    ],
  );
});

Deno.test("encodeCommand() sends CR, LF and binary bytes inside a bulk string as they are", () => {
  const raw = new Uint8Array([0, 13, 10, 255]);
  assert.deepEqual(
    [...encodeCommand(["SET", "a\r\nb", raw])],
    [
      ...new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$4\r\na\r\nb\r\n$4\r\n"),
      0,
      13,
      10,
      255,
      13,
      10,
    ],
  );
});

Deno.test("encodeCommand() writes numbers as their decimal text", () => {
  assert.equal(
    text(encodeCommand(["EVAL", "return 1", 0, -1, 1.5])),
    "*5\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\n0\r\n$2\r\n-1\r\n$3\r\n1.5\r\n",
  );
});

Deno.test("encodeCommand() refuses an empty command and numbers that are not finite", () => {
  assert.throws(() => encodeCommand([]), RangeError);
  assert.throws(
    () => encodeCommand(["PEXPIRE", "k", Number.NaN]),
    /must be finite: current value is NaN/,
  );
  assert.throws(() => encodeCommand(["PEXPIRE", "k", Infinity]), RangeError);
});

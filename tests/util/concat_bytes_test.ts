import assert from "node:assert/strict";
import { concatBytes } from "../../src/util/concat_bytes.ts";

Deno.test("concatBytes() joins the chunks in order, and returns a single one as it is", () => {
  assert.deepEqual(
    concatBytes([
      new Uint8Array([1]),
      new Uint8Array(),
      new Uint8Array([2, 3]),
    ]),
    new Uint8Array([1, 2, 3]),
  );
  assert.deepEqual(concatBytes([]), new Uint8Array());
  const only = new Uint8Array([4]);
  assert.equal(concatBytes([only]), only);
});

import assert from "node:assert/strict";
import { writeAll } from "../../src/util/write_all.ts";

Deno.test("writeAll() writes again until the output took every byte", async () => {
  const writes: number[][] = [];
  // An output that takes at most two bytes a write, like a full pipe.
  const output = {
    write(bytes: Uint8Array) {
      writes.push([...bytes.subarray(0, 2)]);
      return Promise.resolve(Math.min(2, bytes.length));
    },
  };
  await writeAll(output, new Uint8Array([1, 2, 3, 4, 5]));
  assert.deepEqual(writes, [[1, 2], [3, 4], [5]]);
});

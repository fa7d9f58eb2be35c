import assert from "node:assert/strict";
import { plural } from "../../src/util/plural.ts";

Deno.test("plural() gives the singular for one and the plural for every other count", () => {
  assert.equal(plural(1, "page"), "page");
  assert.equal(plural(0, "page"), "pages");
  assert.equal(plural(2, "page"), "pages");
  assert.equal(plural(1, "batch", "batches"), "batch");
  assert.equal(plural(3, "batch", "batches"), "batches");
});

import assert from "node:assert/strict";
import { classifyBulkFailure } from "../../src/elasticsearch/classify_bulk_failure.ts";

Deno.test("classifyBulkFailure() retries 429 and 5xx other than 501", () => {
  for (const status of [429, 500, 502, 503, 504]) {
    assert.equal(classifyBulkFailure(status), "retry", String(status));
  }
});

Deno.test("classifyBulkFailure() rejects document errors and 501", () => {
  for (const status of [400, 401, 403, 404, 409, 413, 501]) {
    assert.equal(classifyBulkFailure(status), "reject", String(status));
  }
});

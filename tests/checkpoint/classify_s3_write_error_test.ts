import assert from "node:assert/strict";
import { classifyS3WriteError } from "../../src/checkpoint/classify_s3_write_error.ts";

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
  });

Deno.test("classifyS3WriteError() tells a conflict in progress from a refused precondition", () => {
  assert.equal(
    classifyS3WriteError(sdkError("ConditionalRequestConflict", 409)),
    "conflict",
  );
  assert.equal(
    classifyS3WriteError(sdkError("OperationAborted", 409)),
    "conflict",
  );
  assert.equal(
    classifyS3WriteError(sdkError("PreconditionFailed", 412)),
    "precondition",
  );
  // A 412 whose body the SDK could not name is still a refused precondition.
  assert.equal(classifyS3WriteError(sdkError("Unknown", 412)), "precondition");
});

Deno.test("classifyS3WriteError() leaves every other failure to the usual S3 error handling", () => {
  assert.equal(classifyS3WriteError(sdkError("AccessDenied", 403)), "other");
  assert.equal(classifyS3WriteError(sdkError("InternalError", 500)), "other");
  assert.equal(
    classifyS3WriteError(sdkError("BucketAlreadyOwnedByYou", 409)),
    "other",
  );
  assert.equal(classifyS3WriteError(new Error("ECONNRESET")), "other");
  assert.equal(classifyS3WriteError("nonsense"), "other");
});

import assert from "node:assert/strict";
import { classifyS3WriteError } from "../../src/checkpoint/classify_s3_write_error.ts";
import { AwsResponseError } from "../../src/aws/aws_response_error.ts";
import { AwsNetworkError } from "../../src/aws/aws_network_error.ts";

const s3Error = (code: string, status: number) =>
  new AwsResponseError(`${code} happened`, { code, status });

Deno.test("classifyS3WriteError() tells a conflict in progress from a refused precondition", () => {
  assert.equal(
    classifyS3WriteError(s3Error("ConditionalRequestConflict", 409)),
    "conflict",
  );
  assert.equal(
    classifyS3WriteError(s3Error("OperationAborted", 409)),
    "conflict",
  );
  assert.equal(
    classifyS3WriteError(s3Error("PreconditionFailed", 412)),
    "precondition",
  );
  // A 412 whose body named nothing is still a refused precondition.
  assert.equal(classifyS3WriteError(s3Error("Http412", 412)), "precondition");
});

Deno.test("classifyS3WriteError() leaves every other failure to the usual S3 error handling", () => {
  assert.equal(classifyS3WriteError(s3Error("AccessDenied", 403)), "other");
  assert.equal(classifyS3WriteError(s3Error("InternalError", 500)), "other");
  assert.equal(
    classifyS3WriteError(s3Error("BucketAlreadyOwnedByYou", 409)),
    "other",
  );
  assert.equal(
    classifyS3WriteError(new AwsNetworkError("connection reset", "ECONNRESET")),
    "other",
  );
  assert.equal(classifyS3WriteError("nonsense"), "other");
});

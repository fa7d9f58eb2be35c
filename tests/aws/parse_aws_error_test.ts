import assert from "node:assert/strict";
import { parseAwsError } from "../../src/aws/parse_aws_error.ts";

function response(status: number, body: string, headers: HeadersInit = {}) {
  return { status, body, headers: new Headers(headers) };
}

Deno.test("parseAwsError() reads S3's and STS's XML errors", () => {
  const s3 = parseAwsError(
    response(
      404,
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName></Error>',
      { "x-amz-request-id": "R1", "x-amz-bucket-region": "eu-west-1" },
    ),
    "xml",
  );
  assert.deepEqual(
    [s3.name, s3.code, s3.status, s3.message, s3.requestId, s3.bucketRegion],
    [
      "NoSuchBucket",
      "NoSuchBucket",
      404,
      "The specified bucket does not exist",
      "R1",
      "eu-west-1",
    ],
  );
  const sts = parseAwsError(
    response(
      403,
      "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity &amp; more</Message></Error></ErrorResponse>",
    ),
    "xml",
  );
  assert.equal(sts.code, "AccessDenied");
  assert.equal(
    sts.message,
    "Not authorized to perform sts:AssumeRoleWithWebIdentity & more",
  );
});

Deno.test("parseAwsError() names a bodiless answer (HEAD) after its status", () => {
  assert.equal(parseAwsError(response(404, ""), "xml").code, "NotFound");
  assert.equal(parseAwsError(response(403, ""), "xml").code, "Forbidden");
  assert.equal(parseAwsError(response(418, ""), "xml").code, "Http418");
  assert.equal(parseAwsError(response(404, ""), "xml").message, "HTTP 404");
});

Deno.test("parseAwsError() reads SQS's JSON errors with their query-compatible code", () => {
  const error = parseAwsError(
    response(
      400,
      '{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}',
      {
        "x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender",
        "x-amzn-requestid": "R2",
      },
    ),
    "json",
  );
  assert.deepEqual(
    [error.code, error.queryCode, error.message, error.requestId],
    [
      "QueueDoesNotExist",
      "AWS.SimpleQueueService.NonExistentQueue",
      "The specified queue does not exist.",
      "R2",
    ],
  );
  const header = parseAwsError(
    response(400, "not json", {
      "x-amzn-errortype":
        "UnrecognizedClientException:http://internal.amazon.com/coral/",
    }),
    "json",
  );
  assert.equal(header.code, "UnrecognizedClientException");
  assert.equal(header.message, "not json");
});

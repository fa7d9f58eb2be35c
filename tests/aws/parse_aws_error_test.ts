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

/** How AWS's JSON and query services answer a bad signature: the canonical request, session token included. */
const TOKEN = "FwoGZXIvYXdzEBQaDEXAMPLESESSIONTOKENzZ2V0LXNlY3JldA";
const SIGNATURE_MESSAGE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:sqs.us-east-1.amazonaws.com\nx-amz-date:20260301T030000Z\nx-amz-security-token:" +
  TOKEN +
  "\nx-amz-target:AmazonSQS.SendMessageBatch\n\ncontent-type;host;x-amz-date;x-amz-security-token;x-amz-target\n3a1f'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260301T030000Z\n20260301/us-east-1/sqs/aws4_request\n9c2e'\n";

Deno.test("parseAwsError() keeps the session token of a SignatureDoesNotMatch answer out of the message", () => {
  const json = parseAwsError(
    response(
      403,
      JSON.stringify({
        __type: "com.amazon.coral.service#SignatureDoesNotMatch",
        message: SIGNATURE_MESSAGE,
      }),
    ),
    "json",
  );
  const xml = parseAwsError(
    response(
      403,
      `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>${SIGNATURE_MESSAGE}</Message></Error></ErrorResponse>`,
    ),
    "xml",
  );
  const text = parseAwsError(
    response(403, `x-amz-security-token=${TOKEN}&X-Amz-Date=20260301`),
    "json",
  );
  for (const error of [json, xml, text]) {
    assert.doesNotMatch(error.message, new RegExp(TOKEN.slice(0, 12)));
  }
  for (const error of [json, xml]) {
    assert.equal(error.code, "SignatureDoesNotMatch");
    assert.equal(
      error.message,
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
});

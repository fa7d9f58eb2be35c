import assert from "node:assert/strict";
import { classifyAwsError } from "../../src/aws/classify_aws_error.ts";

function sdkError(
  name: string,
  status?: number,
  extra: Record<string, unknown> = {},
): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...extra,
  });
}

Deno.test("classifyAwsError() sees refused credentials as auth", () => {
  for (
    const error of [
      sdkError("SignatureDoesNotMatch", 403),
      sdkError("ExpiredToken", 400),
      sdkError("CredentialsProviderError"),
      sdkError("NotFound", 403),
      sdkError("SQSServiceException", 400, { Code: "AccessDenied" }),
    ]
  ) {
    const result = classifyAwsError(error);
    assert.equal(result.kind, "auth", error.name);
    assert.equal(result.retryable, false);
  }
});

Deno.test("classifyAwsError() retries throttling, 5xx and network failures", () => {
  assert.equal(classifyAwsError(sdkError("SlowDown", 503)).kind, "throttled");
  assert.equal(classifyAwsError(sdkError("Whatever", 429)).kind, "throttled");
  assert.equal(classifyAwsError(sdkError("InternalError", 500)).kind, "server");
  const reset = classifyAwsError(
    Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
  );
  assert.deepEqual([reset.kind, reset.retryable, reset.code], [
    "unreachable",
    true,
    "ECONNRESET",
  ]);
  assert.equal(classifyAwsError(sdkError("TimeoutError")).kind, "unreachable");
});

Deno.test("classifyAwsError() gives up on other refused requests", () => {
  const result = classifyAwsError(sdkError("InvalidParameterValue", 400));
  assert.deepEqual(
    [result.kind, result.retryable, result.code, result.status, result.message],
    [
      "client",
      false,
      "InvalidParameterValue",
      400,
      "InvalidParameterValue happened",
    ],
  );
});

Deno.test("classifyAwsError() copes with things that are not errors", () => {
  const result = classifyAwsError("boom\nagain");
  assert.equal(result.message, "boom again");
  assert.equal(result.retryable, true);
});

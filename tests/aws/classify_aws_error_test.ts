import assert from "node:assert/strict";
import { classifyAwsError } from "../../src/aws/classify_aws_error.ts";
import { AwsResponseError } from "../../src/aws/aws_response_error.ts";
import { AwsNetworkError } from "../../src/aws/aws_network_error.ts";
import { CredentialsProviderError } from "../../src/aws/credentials/credentials_provider_error.ts";

function answered(code: string, status: number, queryCode?: string) {
  return new AwsResponseError(`${code} happened`, {
    code,
    status,
    ...(queryCode === undefined ? {} : { queryCode }),
  });
}

Deno.test("classifyAwsError() sees refused credentials as auth", () => {
  for (
    const error of [
      answered("SignatureDoesNotMatch", 403),
      answered("ExpiredToken", 400),
      new CredentialsProviderError("Could not load AWS credentials"),
      answered("Forbidden", 403),
      answered("UnknownError", 400, "AccessDenied"),
    ]
  ) {
    const result = classifyAwsError(error);
    assert.equal(result.kind, "auth", error.name);
    assert.equal(result.retryable, false);
  }
});

Deno.test("classifyAwsError() retries throttling, 5xx and network failures", () => {
  assert.equal(classifyAwsError(answered("SlowDown", 503)).kind, "throttled");
  assert.equal(classifyAwsError(answered("Whatever", 429)).kind, "throttled");
  assert.equal(
    classifyAwsError(answered("Unknown", 400, "RequestThrottled")).kind,
    "throttled",
  );
  assert.equal(classifyAwsError(answered("InternalError", 500)).kind, "server");
  const reset = classifyAwsError(
    new AwsNetworkError(
      "connection reset (Connection reset by peer)",
      "ECONNRESET",
    ),
  );
  assert.deepEqual([reset.kind, reset.retryable, reset.code], [
    "unreachable",
    true,
    "ECONNRESET",
  ]);
  const timeout = classifyAwsError(
    new AwsNetworkError("no answer within 300 ms", "TimeoutError"),
  );
  assert.deepEqual([timeout.kind, timeout.retryable, timeout.status], [
    "unreachable",
    true,
    undefined,
  ]);
});

Deno.test("classifyAwsError() does not retry an untrusted certificate", () => {
  const error = new AwsNetworkError(
    "TLS failed (invalid peer certificate: UnknownIssuer)",
    "TlsError",
    { cause: new TypeError("invalid peer certificate: UnknownIssuer") },
  );
  const result = classifyAwsError(error);
  assert.deepEqual([result.kind, result.retryable], ["unreachable", false]);
});

Deno.test("classifyAwsError() gives up on other refused requests", () => {
  const result = classifyAwsError(answered("InvalidParameterValue", 400));
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

Deno.test("classifyAwsError() reads SQS's errors as the SQS sink needs them", () => {
  const throttled = classifyAwsError(answered("ThrottlingException", 400));
  assert.deepEqual([throttled.kind, throttled.retryable], ["throttled", true]);
  const refused = classifyAwsError(
    new AwsNetworkError(
      "connection refused (tcp connect error: Connection refused (os error 111))",
      "ECONNREFUSED",
    ),
  );
  assert.deepEqual([refused.kind, refused.retryable, refused.code], [
    "unreachable",
    true,
    "ECONNREFUSED",
  ]);
  const denied = classifyAwsError(answered("InvalidClientTokenId", 403));
  assert.deepEqual([denied.kind, denied.retryable], ["auth", false]);
  const missing = classifyAwsError(
    answered(
      "QueueDoesNotExist",
      400,
      "AWS.SimpleQueueService.NonExistentQueue",
    ),
  );
  assert.deepEqual([missing.kind, missing.retryable, missing.code], [
    "client",
    false,
    "QueueDoesNotExist",
  ]);
});

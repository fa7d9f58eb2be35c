import assert from "node:assert/strict";
import { awsFailure } from "../../src/aws/aws_failure.ts";
import { classifyAwsError } from "../../src/aws/classify_aws_error.ts";
import { AwsResponseError } from "../../src/aws/aws_response_error.ts";
import { CredentialsProviderError } from "../../src/aws/credentials/credentials_provider_error.ts";
import { AuthenticationError } from "../../src/errors.ts";

const CONTEXT = {
  service: "S3",
  action: "reading s3://harvest-state/last",
  region: "us-east-1",
};

Deno.test("awsFailure() says credentials were not found, not that AWS refused them, when the chain found none", () => {
  const cause = new CredentialsProviderError(
    "Could not load AWS credentials: looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
  );
  const error = awsFailure(classifyAwsError(cause), CONTEXT, cause);
  assert.ok(error instanceof AuthenticationError);
  assert.equal(
    error.message,
    "Found no AWS credentials for S3 while reading s3://harvest-state/last (region us-east-1): Could not load AWS credentials: looked in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
  );
});

Deno.test("awsFailure() names the code AWS refused the credentials with and what to check", () => {
  for (
    const [code, status] of [
      ["ExpiredToken", 400],
      ["InvalidClientTokenId", 403],
      ["SignatureDoesNotMatch", 403],
      ["AccessDenied", 403],
    ] as const
  ) {
    const cause = new AwsResponseError("The security token is invalid", {
      code,
      status,
    });
    const error = awsFailure(classifyAwsError(cause), CONTEXT, cause);
    assert.ok(error instanceof AuthenticationError, code);
    assert.match(
      error.message,
      new RegExp(
        `^AWS refused access to S3 while reading s3://harvest-state/last \\(region us-east-1\\): check the AWS credentials and their permissions: ${code}: `,
      ),
    );
  }
});

Deno.test("awsFailure() blames this machine's clock, not the credentials, when AWS says the request time is off", () => {
  const causes = [
    new AwsResponseError(
      "The difference between the request time and the current time is too large.",
      { code: "RequestTimeTooSkewed", status: 403 },
    ),
    new AwsResponseError(
      "Signature expired: 20260301T030000Z is now earlier than 20260301T031000Z (20260301T034500Z - 15 min.)",
      { code: "InvalidSignatureException", status: 400 },
    ),
  ];
  for (const cause of causes) {
    const error = awsFailure(classifyAwsError(cause), CONTEXT, cause);
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.match(
      error.message,
      new RegExp(
        `^AWS refused S3 requests while reading s3://harvest-state/last \\(region us-east-1\\) because this machine's clock is off: set it right \\(NTP\\): ${cause.code}: `,
      ),
    );
  }
});

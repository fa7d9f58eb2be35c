import assert from "node:assert/strict";
import { certificateProblem } from "../../src/tls/describe_certificate_error.ts";

Deno.test("certificateProblem() names the certificate failure from the innermost clause of the chain", () => {
  const chained = new TypeError("fetch failed", {
    cause: new Error(
      "error sending request for url (https://engage.example.edu/): client error (Connect): invalid peer certificate: UnknownIssuer",
    ),
  });
  assert.equal(
    certificateProblem(chained),
    "invalid peer certificate: UnknownIssuer",
  );
  // A message that starts with the failure keeps its first letter.
  assert.equal(
    certificateProblem(new Error("invalid peer certificate: CertExpired")),
    "invalid peer certificate: CertExpired",
  );
});

Deno.test("certificateProblem() is undefined for other connection failures", () => {
  for (
    const message of [
      "tcp connect error: Connection refused (os error 111)",
      "dns error: failed to lookup address information",
      "connection reset by peer",
    ]
  ) {
    assert.equal(
      certificateProblem(new TypeError("fetch failed", { cause: message })),
      undefined,
    );
  }
});

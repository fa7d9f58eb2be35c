import assert from "node:assert/strict";
import {
  canonicalAwsRequest,
  signAwsRequest,
} from "../../src/aws/sign_aws_request.ts";
import type { AwsHttpRequest } from "../../src/aws/aws_http_request.ts";

/** The keys and time of AWS's SigV4 test suite (`get-vanilla` and friends). */
const SUITE = {
  credentials: {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  },
  service: "service",
  region: "us-east-1",
  datetime: "20150830T123600Z",
};

/** The keys and time of the S3 API reference's header-based examples. */
const S3_EXAMPLE = {
  credentials: {
    accessKeyId: "AKIAIOSFODNN7EXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  },
  service: "s3",
  region: "us-east-1",
  datetime: "20130524T000000Z",
};

function request(
  method: AwsHttpRequest["method"],
  url: string,
  headers: Record<string, string> = {},
  body?: string,
): AwsHttpRequest {
  return {
    method,
    url: new URL(url),
    headers,
    ...(body === undefined ? {} : { body }),
  };
}

function signature(signed: AwsHttpRequest): string {
  return /Signature=([0-9a-f]{64})$/.exec(signed.headers.authorization ?? "")
    ?.[1] ?? "";
}

Deno.test("signAwsRequest() matches AWS's SigV4 test suite (get-vanilla, query order, post-vanilla)", async () => {
  const cases: [AwsHttpRequest, string][] = [
    [
      request("GET", "https://example.amazonaws.com/"),
      "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
    ],
    [
      request(
        "GET",
        "https://example.amazonaws.com/?Param2=value2&Param1=value1",
      ),
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
    ],
    [
      request("POST", "https://example.amazonaws.com/"),
      "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
    ],
  ];
  for (const [input, expected] of cases) {
    const signed = await signAwsRequest(input, SUITE);
    assert.equal(
      signed.headers.authorization,
      `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${expected}`,
      input.url.href,
    );
    assert.equal(signed.headers["x-amz-date"], "20150830T123600Z");
  }
});

Deno.test("canonicalAwsRequest() of the S3 reference's PutObject example is byte for byte AWS's", async () => {
  const put = request(
    "PUT",
    "https://examplebucket.s3.amazonaws.com/test$file.text",
    {
      date: "Fri, 24 May 2013 00:00:00 GMT",
      "x-amz-storage-class": "REDUCED_REDUNDANCY",
    },
    "Welcome to Amazon S3.",
  );
  assert.equal(
    await canonicalAwsRequest(put, S3_EXAMPLE),
    [
      "PUT",
      "/test%24file.text",
      "",
      "date:Fri, 24 May 2013 00:00:00 GMT",
      "host:examplebucket.s3.amazonaws.com",
      "x-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
      "x-amz-date:20130524T000000Z",
      "x-amz-storage-class:REDUCED_REDUNDANCY",
      "",
      "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
      "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
    ].join("\n"),
  );
  const signed = await signAwsRequest(put, S3_EXAMPLE);
  assert.equal(
    signature(signed),
    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
  );
  assert.equal(
    signed.headers["x-amz-content-sha256"],
    "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
  );
});

Deno.test("signAwsRequest() matches the S3 reference's ListObjects example (query, empty body hash)", async () => {
  const signed = await signAwsRequest(
    request(
      "GET",
      "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J",
    ),
    S3_EXAMPLE,
  );
  assert.match(
    signed.headers.authorization ?? "",
    /SignedHeaders=host;x-amz-content-sha256;x-amz-date, /,
  );
  assert.equal(
    signature(signed),
    "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
  );
});

Deno.test("signAwsRequest() signs the session token and conditional headers", async () => {
  const put = request("PUT", "http://127.0.0.1:9000/bucket/key", {
    "if-none-match": "*",
    "content-type": "text/plain; charset=utf-8",
  }, "text");
  const signed = await signAwsRequest(put, {
    ...S3_EXAMPLE,
    credentials: { ...S3_EXAMPLE.credentials, sessionToken: "token" },
  });
  assert.equal(signed.headers["x-amz-security-token"], "token");
  assert.match(
    signed.headers.authorization ?? "",
    /SignedHeaders=host;if-none-match;x-amz-content-sha256;x-amz-date;x-amz-security-token, /,
  );
  // The body is left as it was, to be sent.
  assert.equal(signed.body, "text");
  assert.equal(signed.headers["content-type"], "text/plain; charset=utf-8");
});

import assert from "node:assert/strict";
import { buildS3Request } from "../../src/aws/s3_request.ts";
import { s3Url } from "../../src/aws/s3_url.ts";

Deno.test("s3Url() addresses buckets virtual-hosted on AWS, path-style where a host label cannot carry the name", () => {
  const url = (options: Parameters<typeof s3Url>[0]) => s3Url(options).href;
  assert.equal(
    url({ bucket: "harvest-ts", key: "a b/c+d!", region: "eu-west-1" }),
    "https://harvest-ts.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd%21",
  );
  assert.equal(
    url({ bucket: "harvest-ts", region: "cn-north-1" }),
    "https://harvest-ts.s3.cn-north-1.amazonaws.com.cn/",
  );
  // Dots over https would break the wildcard certificate; upper case and '_' are no host names.
  assert.equal(
    url({ bucket: "harvest.ts", key: "k", region: "us-east-1" }),
    "https://s3.us-east-1.amazonaws.com/harvest.ts/k",
  );
  assert.equal(
    url({ bucket: "Harvest_TS", key: "k", region: "us-east-1" }),
    "https://s3.us-east-1.amazonaws.com/Harvest_TS/k",
  );
  const minio = {
    bucket: "harvest-ts",
    key: "k",
    region: "us-east-1",
    endpoint: "http://minio.internal:9000",
  };
  assert.equal(
    url({ ...minio, forcePathStyle: true }),
    "http://minio.internal:9000/harvest-ts/k",
  );
  assert.equal(url(minio), "http://harvest-ts.minio.internal:9000/k");
  // An IP address cannot take a bucket label.
  assert.equal(
    url({
      bucket: "harvest-ts",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000/",
    }),
    "http://127.0.0.1:9000/harvest-ts",
  );
});

Deno.test("buildS3Request() names the region of a new bucket outside us-east-1 only", () => {
  const target = { bucket: "b", region: "eu-west-1" };
  const elsewhere = buildS3Request(
    { name: "CreateBucket", locationConstraint: "eu-west-1" },
    target,
  );
  assert.equal(elsewhere.method, "PUT");
  assert.equal(
    elsewhere.body,
    '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
  );
  const east = buildS3Request({ name: "CreateBucket" }, target);
  assert.equal(east.body, undefined);
});

Deno.test("buildS3Request() sends a PutObject's fence as If-Match or If-None-Match", () => {
  const target = { bucket: "b", region: "us-east-1" };
  const put = (fence: { ifMatch?: string; ifNoneMatch?: string }) =>
    buildS3Request({
      name: "PutObject",
      key: "k",
      body: "text",
      contentType: "text/plain; charset=utf-8",
      ...fence,
    }, target);
  assert.deepEqual(put({ ifMatch: '"abc"' }).headers, {
    "content-type": "text/plain; charset=utf-8",
    "if-match": '"abc"',
  });
  assert.deepEqual(put({ ifNoneMatch: "*" }).headers, {
    "content-type": "text/plain; charset=utf-8",
    "if-none-match": "*",
  });
  assert.equal(put({}).body, "text");
  assert.equal(
    buildS3Request({ name: "HeadObject", key: "k" }, target).method,
    "HEAD",
  );
});

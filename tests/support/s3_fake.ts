/**
 * A loopback S3 for tests: the REST protocol with path-style addressing
 * (`/<bucket>/<key>`, the client needs `forcePathStyle: true`), in memory.
 * Implements HeadBucket, CreateBucket, GetObject, PutObject, HeadObject and
 * DeleteObject, with S3's error XML, and lets a test fail requests.
 * `PutObject` honours `If-Match` and `If-None-Match: *` as S3 does (412
 * `PreconditionFailed`); a test can inject S3's 409
 * `ConditionalRequestConflict`, or a write that is stored but answered with
 * a failure (`applied`). Every write is logged with the access key that
 * signed it, so a test can tell two runs' writes apart.
 *
 * @module
 */
import { createHash, randomUUID } from "node:crypto";

/** An object the fake holds. */
export interface S3FakeObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: Uint8Array<ArrayBuffer>;
  readonly contentType: string;
  readonly etag: string;
  readonly lastModified: Date;
  /** The body as UTF-8 text. */
  readonly text: string;
}

/** One `PutObject` the fake answered. */
export interface S3FakeWrite {
  readonly bucket: string;
  readonly key: string;
  /** The access key id in the request's signature (tests give each run its own). */
  readonly accessKey: string;
  /** The body as UTF-8 text. */
  readonly text: string;
  /** 200 when stored; 412 when a condition refused it. */
  readonly status: number;
  /** The `If-Match` it carried, if any (the harvest's write probe carries one no object has). */
  readonly ifMatch?: string;
}

/** How requests are failed by {@linkcode S3Fake.failRequests}. */
export interface S3FakeFailOptions {
  /**
   * The error code in the answer.
   *
   * @default {"InternalError"}
   */
  readonly code?: string;
  /**
   * Fails only this operation, e.g. `PutObject`.
   *
   * @default {undefined} (any operation)
   */
  readonly operation?: string;
  /**
   * Carries the request out first and then answers with the failure: a
   * write that went through but whose answer says otherwise (what a client
   * sees when the SDK's retry of a write that had succeeded is refused).
   *
   * @default {false}
   */
  readonly applied?: boolean;
  /**
   * Lets this many matching requests through before failing any, so a test
   * can fail, say, the third checkpoint save without racing the run.
   *
   * @default {0}
   */
  readonly after?: number;
}

/** A running fake. */
export interface S3Fake extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, the endpoint to give the client. */
  readonly url: string;
  /** Requests received, by operation name (`PutObject`: 2). */
  readonly requests: Readonly<Record<string, number>>;
  /** Every object, keyed `<bucket>/<key>`. */
  readonly objects: ReadonlyMap<string, S3FakeObject>;
  /** Bucket names. */
  readonly buckets: ReadonlySet<string>;
  /** Every `PutObject` that reached the handler, stored or refused, in order. */
  readonly writes: readonly S3FakeWrite[];
  /**
   * Answers nothing from now on: requests are accepted and left hanging, like
   * a frozen S3 (SIGSTOP). Closing the fake releases them.
   */
  freeze(): void;
  /** Creates a bucket. */
  createBucket(bucket: string): void;
  /** Stores an object (creating its bucket), e.g. the original's bare timestamp. */
  put(bucket: string, key: string, text: string): void;
  /** The text of an object, or `undefined`. */
  text(bucket: string, key: string): string | undefined;
  /** Fails the next `count` requests with an HTTP status and an error code. */
  failRequests(
    count: number,
    status?: number,
    options?: S3FakeFailOptions,
  ): void;
  /** Stops the server. */
  close(): Promise<void>;
}

class S3FakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly resource = "",
  ) {
    super(message);
  }
}

const UTF8_DECODER = new TextDecoder();
const UTF8 = new TextEncoder();

/**
 * Starts the fake on 127.0.0.1, on a free port.
 *
 * @returns The running fake; close it (or `await using`) when done.
 */
export function startS3Fake(): Promise<S3Fake> {
  const buckets = new Set<string>();
  const objects = new Map<string, S3FakeObject>();
  const requests: Record<string, number> = {};
  const writes: S3FakeWrite[] = [];
  let frozen = false;
  const hanging = Promise.withResolvers<void>();
  const failures: {
    remaining: number;
    skip: number;
    status: number;
    options: S3FakeFailOptions;
  }[] = [];

  function store(
    bucket: string,
    key: string,
    body: Uint8Array<ArrayBuffer>,
    contentType: string,
  ): S3FakeObject {
    const object: S3FakeObject = {
      bucket,
      key,
      body,
      contentType,
      etag: `"${createHash("md5").update(body).digest("hex")}"`,
      lastModified: new Date(Math.floor(Date.now() / 1000) * 1000),
      text: UTF8_DECODER.decode(body),
    };
    objects.set(`${bucket}/${key}`, object);
    return object;
  }

  function operationOf(method: string, key: string | null): string {
    if (key === null) {
      return {
        HEAD: "HeadBucket",
        PUT: "CreateBucket",
        GET: "ListObjects",
        DELETE: "DeleteBucket",
      }[method] ??
        `${method}Bucket`;
    }
    return {
      HEAD: "HeadObject",
      PUT: "PutObject",
      GET: "GetObject",
      DELETE: "DeleteObject",
    }[method] ??
      `${method}Object`;
  }

  function objectHeaders(object: S3FakeObject): Headers {
    return new Headers({
      "content-type": object.contentType,
      "content-length": String(object.body.byteLength),
      etag: object.etag,
      "last-modified": object.lastModified.toUTCString(),
    });
  }

  async function dispatch(
    operation: string,
    bucket: string,
    key: string | null,
    request: Request,
  ): Promise<Response> {
    const resource = key === null ? `/${bucket}` : `/${bucket}/${key}`;
    if (operation === "CreateBucket") {
      await request.arrayBuffer();
      if (buckets.has(bucket)) {
        throw new S3FakeError(
          409,
          "BucketAlreadyOwnedByYou",
          "Your previous request to create the named bucket succeeded and you already own it.",
          resource,
        );
      }
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
        throw new S3FakeError(
          400,
          "InvalidBucketName",
          "The specified bucket is not valid.",
          resource,
        );
      }
      buckets.add(bucket);
      return new Response(null, { headers: { location: `/${bucket}` } });
    }
    if (!buckets.has(bucket)) {
      throw new S3FakeError(
        404,
        "NoSuchBucket",
        "The specified bucket does not exist",
        resource,
      );
    }
    switch (operation) {
      case "HeadBucket":
        return new Response(null, {
          headers: { "x-amz-bucket-region": "us-east-1" },
        });
      case "PutObject": {
        const body = new Uint8Array(await request.arrayBuffer());
        const current = objects.get(`${bucket}/${key}`);
        const ifMatch = request.headers.get("if-match");
        const ifNoneMatch = request.headers.get("if-none-match");
        const write = {
          bucket,
          key: key!,
          accessKey: accessKeyOf(request),
          text: UTF8_DECODER.decode(body),
          ...(ifMatch === null ? {} : { ifMatch }),
        };
        if (
          (ifMatch !== null && current?.etag !== ifMatch) ||
          (ifNoneMatch === "*" && current !== undefined)
        ) {
          writes.push({ ...write, status: 412 });
          throw new S3FakeError(
            412,
            "PreconditionFailed",
            "At least one of the pre-conditions you specified did not hold",
            resource,
          );
        }
        writes.push({ ...write, status: 200 });
        const object = store(
          bucket,
          key!,
          body,
          request.headers.get("content-type") ?? "binary/octet-stream",
        );
        return new Response(null, { headers: { etag: object.etag } });
      }
      case "GetObject":
      case "HeadObject": {
        const object = objects.get(`${bucket}/${key}`);
        if (!object) {
          throw new S3FakeError(
            404,
            "NoSuchKey",
            "The specified key does not exist.",
            resource,
          );
        }
        const headers = objectHeaders(object);
        return new Response(operation === "GetObject" ? object.body : null, {
          headers,
        });
      }
      case "DeleteObject":
        objects.delete(`${bucket}/${key}`);
        return new Response(null, { status: 204 });
      default:
        throw new S3FakeError(
          501,
          "NotImplemented",
          `The fake does not implement ${operation}.`,
          resource,
        );
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [rawBucket = "", ...rawKey] = url.pathname.slice(1).split("/");
    const bucket = decodeURIComponent(rawBucket);
    const keyPath = rawKey.join("/");
    const key = keyPath === "" ? null : decodeURIComponent(keyPath);
    const operation = bucket === ""
      ? "ListBuckets"
      : operationOf(request.method, key);
    requests[operation] = (requests[operation] ?? 0) + 1;
    if (frozen) {
      await hanging.promise;
      return new Response(null, { status: 503 });
    }
    try {
      if (
        !request.headers.get("authorization")?.startsWith("AWS4-HMAC-SHA256 ")
      ) {
        throw new S3FakeError(403, "AccessDenied", "Access Denied");
      }
      const failure = failures.find((f) =>
        f.remaining > 0 &&
        (f.options.operation === undefined || f.options.operation === operation)
      );
      if (failure && failure.skip > 0) {
        failure.skip--;
      } else if (failure) {
        failure.remaining--;
        if (failure.options.applied) {
          await dispatch(operation, bucket, key, request);
        }
        throw new S3FakeError(
          failure.status,
          failure.options.code ?? "InternalError",
          "Injected request failure",
        );
      }
      if (bucket === "") {
        throw new S3FakeError(
          501,
          "NotImplemented",
          "The fake does not implement ListBuckets.",
        );
      }
      return await dispatch(operation, bucket, key, request);
    } catch (error) {
      if (!(error instanceof S3FakeError)) throw error;
      const requestId = randomUUID();
      // HEAD answers carry no body; the SDK names the error from the status.
      const body = request.method === "HEAD"
        ? null
        : errorXml(error, requestId);
      return new Response(body, {
        status: error.status,
        headers: {
          "content-type": "application/xml",
          "x-amz-request-id": requestId,
        },
      });
    }
  }

  const { promise: listening, resolve } = Promise.withResolvers<void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => resolve() },
    handle,
  );
  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    hanging.resolve();
    closed ??= server.shutdown();
    return closed;
  }
  const fake: S3Fake = {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    objects,
    buckets,
    writes,
    freeze() {
      frozen = true;
    },
    createBucket(name) {
      buckets.add(name);
    },
    put(bucket, key, text) {
      buckets.add(bucket);
      store(bucket, key, UTF8.encode(text), "text/plain");
    },
    text: (bucket, key) => objects.get(`${bucket}/${key}`)?.text,
    failRequests(count, status = 500, options = {}) {
      failures.push({
        remaining: count,
        skip: options.after ?? 0,
        status,
        options,
      });
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return listening.then(() => fake);
}

function accessKeyOf(request: Request): string {
  const match = /Credential=([^/]+)\//.exec(
    request.headers.get("authorization") ?? "",
  );
  return match?.[1] ?? "";
}

function errorXml(error: S3FakeError, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${
    escapeXml(error.code)
  }</Code><Message>${escapeXml(error.message)}</Message><Resource>${
    escapeXml(error.resource)
  }</Resource><RequestId>${requestId}</RequestId></Error>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

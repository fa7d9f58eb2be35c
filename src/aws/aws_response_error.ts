/**
 * The error an AWS service answered with: its HTTP status and error code.
 *
 * @module
 */

/** What {@linkcode AwsResponseError} carries besides the message. */
export interface AwsResponseErrorInit {
  /** The service's error code, e.g. `NoSuchKey`, `QueueDoesNotExist`. */
  readonly code: string;
  readonly status: number;
  /** SQS's query-compatible code (`AWS.SimpleQueueService.NonExistentQueue`). */
  readonly queryCode?: string;
  readonly requestId?: string;
  /** S3's `x-amz-bucket-region`, when the answer names the bucket's region. */
  readonly bucketRegion?: string;
}

/**
 * An AWS service refused or failed a request: `name` and `code` are the
 * service's error code (as the SDK named its exceptions), `status` the HTTP
 * status. The message is the service's own, never a credential.
 */
export class AwsResponseError extends Error {
  readonly code: string;
  readonly status: number;
  readonly queryCode?: string;
  readonly requestId?: string;
  readonly bucketRegion?: string;

  constructor(message: string, init: AwsResponseErrorInit) {
    super(message);
    this.name = init.code;
    this.code = init.code;
    this.status = init.status;
    if (init.queryCode !== undefined) this.queryCode = init.queryCode;
    if (init.requestId !== undefined) this.requestId = init.requestId;
    if (init.bucketRegion !== undefined) this.bucketRegion = init.bucketRegion;
  }
}

/**
 * A small SQS client over `fetch` for exactly what the SQS sink sends:
 * GetQueueUrl, CreateQueue and SendMessageBatch, in the AWS JSON 1.0 protocol
 * the SDK speaks (`POST /`, `X-Amz-Target: AmazonSQS.<Operation>`), signed
 * with SigV4. One attempt per call under its deadline: the sink retries.
 *
 * @module
 */
import type { AwsCredentialProvider } from "./aws_credentials.ts";
import { buildSqsRequest, type SqsOperation } from "./sqs_request.ts";
import { signAwsRequest } from "./sign_aws_request.ts";
import { type AwsFetch, sendAwsRequest } from "./send_aws_request.ts";
import { parseAwsError } from "./parse_aws_error.ts";
import { awsServiceEndpoint } from "./aws_service_endpoint.ts";

/** Options for {@linkcode createSqsClient}. */
export interface SqsClientOptions {
  readonly region: string;
  readonly credentials: AwsCredentialProvider;
  /**
   * An endpoint replacing AWS's. Without one, a call on a queue URL goes to
   * that URL's origin (as the SDK's `useQueueUrlAsEndpoint`).
   *
   * @default {undefined}
   */
  readonly endpoint?: string;
  /** The deadline of one call, in milliseconds. @default {10000} */
  readonly requestTimeoutMs?: number;
  /** Sends requests (the private-CA client's `fetch`). @default {globalThis.fetch} */
  readonly fetch?: AwsFetch;
}

/** Options of one call. */
export interface SqsCallOptions {
  /** Ends the call; it then rejects with the signal's reason. @default {undefined} */
  readonly signal?: AbortSignal;
}

/** One message of a `SendMessageBatch`. */
export interface SqsBatchEntry {
  readonly Id: string;
  readonly MessageBody: string;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

/** The answer to a `SendMessageBatch`: which entries SQS took and which it refused. */
export interface SqsBatchResponse {
  readonly Successful?:
    | readonly { readonly Id?: string | undefined }[]
    | undefined;
  readonly Failed?:
    | readonly {
      readonly Id?: string | undefined;
      readonly SenderFault?: boolean | undefined;
      readonly Code?: string | undefined;
      readonly Message?: string | undefined;
    }[]
    | undefined;
}

/**
 * The SQS calls of the sink. Each rejects with an `AwsResponseError` (SQS
 * answered an error), an `AwsNetworkError` (no answer) or the credential
 * provider's error.
 */
export interface SqsClient {
  readonly region: string;
  readonly endpoint?: string;
  /** The queue's URL; rejects with `QueueDoesNotExist` for a missing queue. */
  getQueueUrl(
    queueName: string,
    options?: SqsCallOptions,
  ): Promise<string | undefined>;
  createQueue(
    queueName: string,
    attributes: Readonly<Record<string, string>>,
    options?: SqsCallOptions,
  ): Promise<string | undefined>;
  sendMessageBatch(
    queueUrl: string,
    entries: readonly SqsBatchEntry[],
    options?: SqsCallOptions,
  ): Promise<SqsBatchResponse>;
}

/**
 * Creates the client; nothing is sent until a call.
 *
 * @example Usage
 * ```ts ignore
 * const sqs = createSqsClient({ region: "eu-west-1", credentials: defaultCredentialProvider() });
 * const url = await sqs.getQueueUrl("ua-harvest-actions");
 * ```
 */
export function createSqsClient(options: SqsClientOptions): SqsClient {
  const { region, endpoint } = options;

  async function call(
    operation: SqsOperation,
    options: SqsCallOptions,
  ): Promise<Record<string, unknown>> {
    const { signal } = options;
    const { credentials, requestTimeoutMs = 10_000, fetch } = clientOptions;
    const request = buildSqsRequest(operation, endpointFor(operation));
    const signed = await signAwsRequest(request, {
      credentials: await credentials(signal),
      service: "sqs",
      region,
    });
    const response = await sendAwsRequest(signed, {
      timeoutMs: requestTimeoutMs,
      ...(fetch === undefined ? {} : { fetch }),
      ...(signal === undefined ? {} : { signal }),
    });
    if (response.status < 200 || response.status >= 300) {
      throw parseAwsError(response, "json");
    }
    try {
      const output = response.body === "" ? {} : JSON.parse(response.body);
      return output !== null && typeof output === "object" ? output : {};
    } catch {
      throw parseAwsError({ ...response, status: 502 }, "json");
    }
  }

  function endpointFor(operation: SqsOperation): URL {
    if (endpoint !== undefined) return new URL(endpoint);
    const queueUrl = "QueueUrl" in operation.input
      ? operation.input.QueueUrl
      : undefined;
    return queueUrl === undefined
      ? awsServiceEndpoint("sqs", region)
      : new URL(new URL(queueUrl).origin);
  }

  const clientOptions = options;
  return {
    region,
    ...(endpoint === undefined ? {} : { endpoint }),
    async getQueueUrl(queueName, options = {}) {
      const output = await call(
        { name: "GetQueueUrl", input: { QueueName: queueName } },
        options,
      );
      return typeof output.QueueUrl === "string" ? output.QueueUrl : undefined;
    },
    async createQueue(queueName, attributes, options = {}) {
      const output = await call({
        name: "CreateQueue",
        input: {
          QueueName: queueName,
          ...(Object.keys(attributes).length === 0
            ? {}
            : { Attributes: attributes }),
        },
      }, options);
      return typeof output.QueueUrl === "string" ? output.QueueUrl : undefined;
    },
    async sendMessageBatch(queueUrl, entries, options = {}) {
      return await call({
        name: "SendMessageBatch",
        input: { QueueUrl: queueUrl, Entries: entries },
      }, options) as SqsBatchResponse;
    },
  };
}

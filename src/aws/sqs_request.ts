/**
 * The SQS requests of the sink in the AWS JSON 1.0 protocol, built without
 * sending anything: `POST /` with `X-Amz-Target: AmazonSQS.<Operation>` and
 * the input as JSON. `x-amzn-query-mode` asks SQS for the query-compatible
 * error code as well (`x-amzn-query-error`), as the SDK does.
 *
 * @module
 */
import type { AwsHttpRequest } from "./aws_http_request.ts";

/** The operations the tool sends to SQS, with their inputs. */
export type SqsOperation =
  | {
    readonly name: "GetQueueUrl";
    readonly input: { readonly QueueName: string };
  }
  | {
    readonly name: "CreateQueue";
    readonly input: {
      readonly QueueName: string;
      readonly Attributes?: Readonly<Record<string, string>>;
    };
  }
  | {
    readonly name: "SendMessageBatch";
    readonly input: {
      readonly QueueUrl: string;
      readonly Entries: readonly unknown[];
    };
  };

/**
 * The unsigned request of an SQS operation, sent to `endpoint`.
 *
 * @example Usage
 * ```ts
 * const request = buildSqsRequest(
 *   { name: "GetQueueUrl", input: { QueueName: "actions" } },
 *   new URL("https://sqs.eu-west-1.amazonaws.com"),
 * );
 * request.headers["x-amz-target"]; // "AmazonSQS.GetQueueUrl"
 * ```
 */
export function buildSqsRequest(
  operation: SqsOperation,
  endpoint: URL,
): AwsHttpRequest {
  const url = new URL(endpoint.href);
  url.pathname = url.pathname.replace(/\/*$/, "/");
  url.search = "";
  return {
    method: "POST",
    url,
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `AmazonSQS.${operation.name}`,
      "x-amzn-query-mode": "true",
    },
    body: JSON.stringify(operation.input),
  };
}

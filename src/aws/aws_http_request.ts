/**
 * One HTTP request to an AWS service, as the pure request builders return it
 * and the signer and sender take it: nothing is sent by building one.
 *
 * @module
 */

/** A request to an AWS service, before or after signing. */
export interface AwsHttpRequest {
  readonly method: "GET" | "HEAD" | "PUT" | "POST";
  readonly url: URL;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** An AWS service's answer, read whole (the tool's answers are small). */
export interface AwsHttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * A request to an AWS service that got no answer: refused, reset, DNS, TLS,
 * or no answer within the attempt's deadline.
 *
 * @module
 */

/**
 * No answer from an AWS service. `code` names the failure the way Node does
 * (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`, `EHOSTUNREACH`),
 * `TimeoutError` for a missed deadline, `TlsError` or `NetworkError`
 * otherwise; `cause` keeps `fetch`'s own error.
 */
export class AwsNetworkError extends Error {
  readonly code: string;

  constructor(message: string, code: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AwsNetworkError";
    this.code = code;
  }
}

/**
 * The 404 an Opencast node answers for an endpoint it does not serve.
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";

/**
 * An endpoint answered 404: the host is the wrong node (engage vs admin), the
 * endpoint was removed in this Opencast version, or a plugin is off. It is an
 * {@linkcode ApiContractError} (exit code 5), and its own class so callers
 * can fall back to an endpoint newer versions serve.
 */
export class EndpointNotFoundError extends ApiContractError {
  /** The endpoint path that was asked for, e.g. `/workflow/instances.json`. */
  readonly endpoint: string;

  /** Creates the error for an endpoint, with a message saying what to check. */
  constructor(endpoint: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.endpoint = endpoint;
  }
}

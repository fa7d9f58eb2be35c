/**
 * No credentials could be found, or a source that was configured failed.
 * Named as the SDK's error is, so the AWS error classifier reads it as a
 * credentials problem (`auth`).
 *
 * @module
 */

/** A credential source failed; `tryNextLink` lets the chain go on. */
export class CredentialsProviderError extends Error {
  readonly tryNextLink: boolean;

  constructor(
    message: string,
    options: ErrorOptions & { readonly tryNextLink?: boolean } = {},
  ) {
    super(message, options);
    this.name = "CredentialsProviderError";
    this.tryNextLink = options.tryNextLink ?? false;
  }
}

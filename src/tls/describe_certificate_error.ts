/**
 * Tells a certificate the client does not trust (unknown issuer, expired,
 * wrong name, self-signed) from other connection failures: retrying cannot
 * help, and the fix is a setting. Pure.
 *
 * @module
 */
import { CA_CERT_SETTING } from "./read_ca_cert.ts";
import { oneLine } from "../util/one_line.ts";

const CERTIFICATE_REGEXP =
  /invalid peer certificate|certificate|UnknownIssuer|NotValidForName|CertExpired|CertNotValidYet|BadSignature|self[- ]signed|unable to verify|CERT_|UNABLE_TO_GET_ISSUER/i;

/**
 * The reason when `error` (or a cause in its chain) is a certificate
 * failure, e.g. `invalid peer certificate: UnknownIssuer`; `undefined` for
 * any other error.
 */
export function certificateProblem(error: unknown): string | undefined {
  for (
    let current: unknown = error, depth = 0;
    current !== undefined && current !== null && depth < 6;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    const message = current instanceof Error
      ? current.message
      : String(current);
    const match = CERTIFICATE_REGEXP.exec(message);
    if (match) {
      // The innermost useful part: from what matched to the end of that clause.
      const colon = message.lastIndexOf(": ", match.index);
      const from = message.slice(colon < 0 ? 0 : colon + 2);
      return oneLine(from).slice(0, 160);
    }
  }
  return undefined;
}

/**
 * One line for an untrusted certificate: the host, the reason and the
 * setting that fixes it when the server uses a private CA.
 */
export function describeCertificateError(
  what: string,
  reason: string,
): string {
  return `${what} presented a TLS certificate this machine does not trust (${reason}): if it is signed by a private CA, set ${CA_CERT_SETTING} to that CA's PEM bundle; not retried`;
}

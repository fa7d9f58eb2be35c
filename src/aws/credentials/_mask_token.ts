/**
 * Takes a token (a web identity JWT, a container authorization token) out
 * of a message a service answered: what a request carried may be quoted
 * back, and a token is a credential. Pure.
 *
 * @example Usage
 * ```ts
 * maskToken("bad token 'eyJhbGci.cGF5bG9hZA.c2ln'", "eyJhbGci.cGF5bG9hZA.c2ln"); // "bad token '***'"
 * ```
 */
export function maskToken(text: string, token: string | undefined): string {
  if (token === undefined || token.length < 4) return text;
  // A JWT's parts may be quoted alone (the payload names the service account).
  const parts = [token, ...token.split(/[.\s]+/)].filter((p) => p.length >= 8);
  return parts.reduce((masked, part) => masked.replaceAll(part, "***"), text);
}

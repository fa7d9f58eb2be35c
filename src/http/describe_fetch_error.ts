import { echoValue } from "../util/echo_value.ts";

/**
 * Names why a `fetch` failed. Deno's `fetch` rejects with a bare
 * `TypeError: fetch failed` and keeps the reason in `error.cause`
 * (`error sending request for url (…): client error (Connect): tcp connect
 * error: Connection refused (os error 111)`); this turns that chain into a
 * short cause a person can act on — refused connection, DNS, TLS, reset,
 * timeout — followed by the innermost detail, cut to a readable length.
 *
 * @example
 * ```ts ignore
 * describeFetchError(error); // "connection refused (tcp connect error: Connection refused (os error 111))"
 * ```
 */
export function describeFetchError(error: unknown): string {
  const messages: string[] = [];
  for (
    let current: unknown = error, depth = 0;
    current !== undefined && current !== null && depth < 5;
    current = (current as { cause?: unknown }).cause, depth++
  ) {
    messages.push(
      current instanceof Error ? current.message : String(current),
    );
  }
  const all = messages.join(" | ");
  const detail = echoValue(innermost(messages), 160);
  const kind = classify(all);
  return kind === undefined ? detail : `${kind} (${detail})`;
}

const KINDS: readonly [RegExp, string][] = [
  [/connection refused|os error 111\b|ECONNREFUSED/i, "connection refused"],
  [
    /dns error|failed to lookup address|name or service not known|no address associated|temporary failure in name resolution|ENOTFOUND|EAI_AGAIN/i,
    "DNS lookup failed",
  ],
  [
    /certificate|tls|ssl|handshake|received corrupt message|InvalidContentType|peer (sent|is incompatible)/i,
    "TLS failed",
  ],
  [
    /connection reset|os error 104\b|ECONNRESET|broken pipe|connection closed before message completed|unexpected eof|IncompleteMessage/i,
    "connection reset",
  ],
  [/timed out|os error 110\b|ETIMEDOUT/i, "connection timed out"],
  [
    /network is unreachable|host is unreachable|no route to host|os error 11[03]\b|os error 101\b|EHOSTUNREACH|ENETUNREACH/i,
    "host unreachable",
  ],
];

function classify(text: string): string | undefined {
  return KINDS.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * The most specific part of the chain: the last message, without the
 * `error sending request for url (…): client error (Connect):` framing,
 * whose URL is already in the caller's message.
 */
function innermost(messages: readonly string[]): string {
  const last = messages.at(-1) ?? "";
  const parts = last.split(/\): |: /).filter((part) =>
    !/^error sending request for url|^client error/.test(part)
  );
  return parts.join(": ").trim() || last;
}

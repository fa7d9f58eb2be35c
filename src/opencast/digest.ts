/**
 * HTTP Digest authentication (RFC 7616), the pure parts: reading a challenge
 * and computing the `Authorization` header. No I/O; the client keeps the state
 * (nonce, nonce count) and the simulator uses the same functions to verify.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A parsed `WWW-Authenticate: Digest …` challenge. */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  /** `auth` when the server offers it; `undefined` for the legacy RFC 2069 form. */
  readonly qop?: "auth";
  /** `MD5` (the default) or `SHA-256`, with or without `-sess`. */
  readonly algorithm: DigestAlgorithm;
  readonly opaque?: string;
  /** `true` when the server says the nonce expired but the credentials were right. */
  readonly stale: boolean;
}

/** The hash algorithms supported. */
export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";

const PARAM_REGEXP =
  /([a-zA-Z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;

/** Splits an auth-param list (`a="x", b=y`) into a lowercase-keyed map. */
export function parseAuthParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const match of text.matchAll(PARAM_REGEXP)) {
    const value = match[2] !== undefined
      ? match[2].replace(/\\(.)/g, "$1")
      : match[3]!;
    params.set(match[1]!.toLowerCase(), value);
  }
  return params;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const SCHEME_REGEXP = new RegExp(`[\\s,]*(${TOKEN})`, "y");
const AUTH_PARAM_REGEXP = new RegExp(
  `[\\s,]*(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,"]*))`,
  "y",
);
const TOKEN68_REGEXP = /\s+[A-Za-z0-9._~+/-]+=*(?=\s*(?:,|$))/y;

/** One challenge of a `WWW-Authenticate` header: its scheme and parameters. */
interface RawChallenge {
  readonly scheme: string;
  readonly params: Map<string, string>;
}

/**
 * Splits a `WWW-Authenticate` value into its challenges. A server may offer
 * several (`Digest … algorithm=SHA-256, Digest … algorithm=MD5, Basic …`), and
 * `Headers.get` joins repeated headers with commas, so the parameters of one
 * challenge end where the next scheme starts.
 */
function splitChallenges(header: string): RawChallenge[] {
  const challenges: RawChallenge[] = [];
  let position = 0;
  while (position < header.length) {
    SCHEME_REGEXP.lastIndex = position;
    const scheme = SCHEME_REGEXP.exec(header);
    // Each scheme consumes at least one character, so the loop ends; text
    // that is neither a scheme nor a parameter ends the parse.
    if (!scheme) break;
    position = SCHEME_REGEXP.lastIndex;
    const params = new Map<string, string>();
    TOKEN68_REGEXP.lastIndex = position;
    if (TOKEN68_REGEXP.exec(header)) position = TOKEN68_REGEXP.lastIndex;
    for (;;) {
      AUTH_PARAM_REGEXP.lastIndex = position;
      const param = AUTH_PARAM_REGEXP.exec(header);
      // A token not followed by `=` is the next challenge's scheme.
      if (!param) break;
      position = AUTH_PARAM_REGEXP.lastIndex;
      const value = param[2] !== undefined
        ? param[2].replace(/\\(.)/g, "$1")
        : param[3]!;
      params.set(param[1]!.toLowerCase(), value);
    }
    challenges.push({ scheme: scheme[1]!, params });
  }
  return challenges;
}

/**
 * Parses a `WWW-Authenticate` header value; `null` when it holds no Digest
 * challenge this client can answer. When several Digest challenges are
 * offered, the first one with a supported algorithm and qop wins.
 */
export function parseDigestChallenge(
  header: string | null,
): DigestChallenge | null {
  if (!header) return null;
  for (const { scheme, params } of splitChallenges(header)) {
    if (scheme.toLowerCase() !== "digest") continue;
    const challenge = toDigestChallenge(params);
    if (challenge) return challenge;
  }
  return null;
}

function toDigestChallenge(
  params: Map<string, string>,
): DigestChallenge | null {
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  if (realm === undefined || nonce === undefined) return null;
  const algorithm = normalizeAlgorithm(params.get("algorithm") ?? "MD5");
  if (!algorithm) return null;
  const qops = (params.get("qop") ?? "").split(",").map((q) =>
    q.trim().toLowerCase()
  );
  const qop = qops.includes("auth") ? "auth" : undefined;
  if (params.has("qop") && !qop) return null;
  return {
    realm,
    nonce,
    qop,
    algorithm,
    opaque: params.get("opaque"),
    stale: (params.get("stale") ?? "").toLowerCase() === "true",
  };
}

function normalizeAlgorithm(name: string): DigestAlgorithm | null {
  switch (name.toUpperCase()) {
    case "MD5":
      return "MD5";
    case "MD5-SESS":
      return "MD5-sess";
    case "SHA-256":
      return "SHA-256";
    case "SHA-256-SESS":
      return "SHA-256-sess";
    default:
      return null;
  }
}

/** What is needed to answer a challenge for one request. */
export interface DigestInput {
  readonly challenge: DigestChallenge;
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request-target: path and query, e.g. `/search/episode.json?id=x`. */
  readonly uri: string;
  /** The client nonce. */
  readonly cnonce: string;
  /** The nonce count, 1 for the first use of a nonce. */
  readonly nc: number;
}

/** Hashes with the challenge's algorithm, as lowercase hex. */
export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  const name = algorithm.startsWith("SHA-256") ? "sha256" : "md5";
  return createHash(name).update(text, "utf8").digest("hex");
}

/** Formats a nonce count as the 8 hex digits the header carries. */
export function formatNonceCount(nc: number): string {
  return nc.toString(16).padStart(8, "0");
}

/** Computes the `response` value of the Authorization header (RFC 7616 §3.4.1). */
export function digestResponse(input: DigestInput): string {
  const { challenge, username, password, method, uri, cnonce, nc } = input;
  const h = (text: string) => digestHash(challenge.algorithm, text);
  let ha1 = h(`${username}:${challenge.realm}:${password}`);
  if (challenge.algorithm.endsWith("-sess")) {
    ha1 = h(`${ha1}:${challenge.nonce}:${cnonce}`);
  }
  const ha2 = h(`${method}:${uri}`);
  if (!challenge.qop) return h(`${ha1}:${challenge.nonce}:${ha2}`);
  return h(
    `${ha1}:${challenge.nonce}:${
      formatNonceCount(nc)
    }:${cnonce}:${challenge.qop}:${ha2}`,
  );
}

/** Builds the full `Authorization: Digest …` header value for one request. */
export function digestAuthorization(input: DigestInput): string {
  const { challenge, username, uri, cnonce, nc } = input;
  const quote = (value: string) => `"${value.replace(/(["\\])/g, "\\$1")}"`;
  const parts = [
    `username=${quote(username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(digestResponse(input))}`,
  ];
  if (challenge.qop) {
    parts.push(
      `qop=${challenge.qop}`,
      `nc=${formatNonceCount(nc)}`,
      `cnonce=${quote(cnonce)}`,
    );
  }
  if (challenge.opaque !== undefined) {
    parts.push(`opaque=${quote(challenge.opaque)}`);
  }
  return `Digest ${parts.join(", ")}`;
}

/**
 * The server side of HTTP Digest as Opencast configures Spring Security
 * (opencast-api.md §6.1): nonces are `base64(expiry:md5hex(expiry:key))`,
 * nonce counts are not tracked, and an expired nonce with otherwise correct
 * credentials earns a `stale="true"` challenge.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  digestResponse,
  formatNonceCount,
  parseAuthParams,
} from "../opencast/digest.ts";

/** The realm Opencast ≥ 2.1 uses. */
export const DIGEST_REALM = "Opencast";

/** Spring's nonce key in Opencast's security configuration. */
const NONCE_KEY = "opencast";

function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** A nonce valid until `expiryMillis`, in Spring's format. */
export function createNonce(expiryMillis: number): string {
  return btoa(`${expiryMillis}:${md5Hex(`${expiryMillis}:${NONCE_KEY}`)}`);
}

/** The `WWW-Authenticate` value for a fresh nonce. */
export function digestChallenge(nonce: string, stale: boolean): string {
  return `Digest realm="${DIGEST_REALM}", qop="auth", nonce="${nonce}"${
    stale ? ', stale="true"' : ""
  }`;
}

/** The credentials the server accepts. */
export interface DigestCredentials {
  /** User name. */
  readonly user: string;
  /** Plain-text password. */
  readonly password: string;
}

/** `ok`, `stale` (right credentials, expired nonce) or `invalid`. */
export type DigestVerdict = "ok" | "stale" | "invalid";

/** The nonce's expiry in epoch ms, or `null` when it is not one of ours. */
function nonceExpiry(nonce: string): number | null {
  let decoded: string;
  try {
    decoded = atob(nonce);
  } catch {
    return null;
  }
  const parts = decoded.split(":");
  if (parts.length !== 2 || !/^[0-9]+$/.test(parts[0]!)) return null;
  if (md5Hex(`${parts[0]}:${NONCE_KEY}`) !== parts[1]) return null;
  return Number(parts[0]);
}

/**
 * Checks an `Authorization: Digest …` header in Spring's order: the nonce
 * must be ours, the response must match, and only then is expiry checked.
 * The `uri` parameter is not compared with the request line, like Spring.
 */
export function verifyDigest(
  header: string,
  method: string,
  credentials: DigestCredentials,
  nowMillis: number,
): DigestVerdict {
  if (!/^Digest\s/i.test(header)) return "invalid";
  const params = parseAuthParams(header.slice("Digest".length));
  const username = params.get("username");
  const realm = params.get("realm");
  const nonce = params.get("nonce");
  const uri = params.get("uri");
  const response = params.get("response");
  const qop = params.get("qop");
  const algorithm = params.get("algorithm");
  if (
    username === undefined || realm === undefined || nonce === undefined ||
    uri === undefined || response === undefined
  ) return "invalid";
  if (algorithm !== undefined && algorithm.toUpperCase() !== "MD5") {
    return "invalid";
  }
  if (realm !== DIGEST_REALM || username !== credentials.user) return "invalid";
  const expiry = nonceExpiry(nonce);
  if (expiry === null) return "invalid";
  let nc = 0;
  let cnonce = "";
  if (qop !== undefined) {
    const rawNc = params.get("nc") ?? "";
    cnonce = params.get("cnonce") ?? "";
    if (qop !== "auth" || cnonce === "" || !/^[0-9a-fA-F]{8}$/.test(rawNc)) {
      return "invalid";
    }
    nc = parseInt(rawNc, 16);
    if (formatNonceCount(nc) !== rawNc.toLowerCase()) return "invalid";
  }
  const expected = digestResponse({
    challenge: {
      realm,
      nonce,
      qop: qop === "auth" ? "auth" : undefined,
      algorithm: "MD5",
      stale: false,
    },
    username,
    password: credentials.password,
    method,
    uri,
    cnonce,
    nc,
  });
  if (expected !== response.toLowerCase()) return "invalid";
  return expiry < nowMillis ? "stale" : "ok";
}

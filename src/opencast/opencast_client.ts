/**
 * The HTTP client for one Opencast node: Digest (or Basic) authentication with
 * nonce reuse, session cookies, per-attempt timeouts, retries with backoff, and
 * errors that say what to fix.
 *
 * @module
 */
import {
  DEFAULT_OPENCAST_AUTH,
  DEFAULT_OPENCAST_MAX_ATTEMPTS,
  DEFAULT_OPENCAST_TIMEOUT_SECONDS,
} from "../config/defaults.ts";
import { getLogger } from "@logtape/logtape";
import denoConfig from "../../deno.json" with { type: "json" };
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../errors.ts";
import { opencastBaseUrl } from "./base_url.ts";
import {
  digestAuthorization,
  type DigestChallenge,
  parseDigestChallenge,
} from "./digest.ts";
import { EndpointNotFoundError } from "./endpoint_not_found_error.ts";
import {
  type AcceptedAnswer,
  type RequestRetrySettings,
  retryRequest,
  type StatusOutcome,
} from "../http/retry_request.ts";
import { cookieHeader, storeCookies } from "./_cookies.ts";
import { echoValue } from "../util/echo_value.ts";
import { plural } from "../util/plural.ts";
import { oneLine } from "../util/one_line.ts";
import { caHttpClient, fetchThrough } from "../tls/ca_http_client.ts";

const logger = getLogger(["ua-harvest", "opencast"]);

/** The `fetch` the client calls; `globalThis.fetch` fits. */
export type FetchLike = (input: URL, init: RequestInit) => Promise<Response>;

/** A wait the client uses between retries; it may end early when `signal` aborts. */
export type SleepLike = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A query parameter value; `undefined` leaves the parameter out, an array repeats it. */
export type QueryValue =
  | string
  | number
  | boolean
  | undefined
  | readonly string[];

/** Options for {@linkcode OpencastClient}. */
export interface OpencastClientOptions {
  /** The node's host (`matterhorn.example.edu`, `host:8080`) or http(s) URL. */
  readonly host: string;
  /**
   * The Opencast user (the digest system account, or any user for Basic).
   * Without one, requests go out anonymously.
   */
  readonly user?: string;
  /** The user's password; required when `user` is set. */
  readonly password?: string;
  /**
   * How to authenticate: `digest` answers the server's challenge (every
   * Opencast version); `basic` sends the password preemptively (OC ≥ 5).
   *
   * @default "digest"
   */
  readonly auth?: "digest" | "basic";
  /**
   * The timeout of one attempt (authentication round trips included), in
   * milliseconds.
   *
   * @default {@linkcode DEFAULT_OPENCAST_TIMEOUT_SECONDS} seconds
   */
  readonly timeoutMs?: number;
  /**
   * How many attempts a request gets in all, the first one included.
   *
   * @default {@linkcode DEFAULT_OPENCAST_MAX_ATTEMPTS}
   */
  readonly maxAttempts?: number;
  /**
   * The ceiling of the first retry's random delay, in milliseconds; it
   * doubles on every retry.
   *
   * @default 500
   */
  readonly initialBackoffMs?: number;
  /**
   * The longest wait between attempts, in milliseconds; also caps a
   * server's `Retry-After`.
   *
   * @default 30000
   */
  readonly maxBackoffMs?: number;
  /**
   * The `fetch` to send requests with.
   *
   * @default globalThis.fetch
   */
  readonly fetch?: FetchLike;
  /**
   * A PEM bundle of CAs trusted in addition to the system's
   * (`UA_HARVEST_CA_CERT`); ignored when `fetch` is given.
   *
   * @default {undefined}
   */
  readonly caCertPath?: string;
  /**
   * The wait between retries.
   *
   * @default an abortable setTimeout
   */
  readonly sleep?: SleepLike;
  /**
   * A source of numbers in `[0, 1)` for the backoff jitter.
   *
   * @default Math.random
   */
  readonly random?: () => number;
  /** Aborts every request in flight and every wait; requests then reject with its reason. */
  readonly signal?: AbortSignal;
  /**
   * Which node this is (`engage` or `admin`), for error messages.
   *
   * @default undefined (messages say "Opencast host")
   */
  readonly nodeLabel?: string;
  /**
   * The `User-Agent` header.
   *
   * @default "ua-harvest/<version>"
   */
  readonly userAgent?: string;
}

/** Counters for the run summary. */
export interface OpencastClientStats {
  /** HTTP requests sent, authentication round trips and retries included. */
  readonly requests: number;
  /** Retries after a timeout, a network error, 429 or 5xx. */
  readonly retries: number;
  /** Digest challenges received (the first, stale nonces, refusals). */
  readonly authChallenges: number;
}

/** What the host and path of an identity provider's login look like. */
const IDENTITY_PROVIDER_REGEXP =
  /log-?in|sign-?in|sso|saml|idp|oauth|openid|oidc|\bcas\b|adfs|shibboleth|auth/i;

/** How many redirects one attempt follows before giving up. */
const MAX_REDIRECTS = 5;
/** How much of an unexpected body goes into an error message. */
const BODY_EXCERPT_CHARS = 80;

/** A status the client did not accept, with the start of its body. */
type StatusResult = StatusOutcome & { readonly excerpt: string };

/**
 * A client for one Opencast node. Create one per node (engage, admin) and
 * reuse it: it keeps the Digest nonce, so only the first request pays for a
 * challenge round trip, and the session cookie.
 *
 * @example Usage
 * ```ts
 * const engage = new OpencastClient({ host: "matterhorn.example.edu", user: "u", password: "p", nodeLabel: "engage" });
 * const raw = await engage.getJson("/usertracking/actions.json", { limit: 10, offset: 0 });
 * ```
 */
export class OpencastClient {
  /** The base URL every path is appended to (always ends with `/`). */
  readonly baseUrl: URL;
  readonly #host: string;
  readonly #node: string;
  readonly #nodeLabel: string | undefined;
  readonly #user: string | undefined;
  readonly #password: string;
  readonly #auth: "digest" | "basic";
  /** Attempts, backoff, timeout, signal and wait of every request. */
  readonly #retry: RequestRetrySettings;
  readonly #fetch: FetchLike;
  readonly #userAgent: string;
  #challenge: DigestChallenge | null = null;
  #nonceCount = 0;
  readonly #cookies = new Map<string, string>();
  #requests = 0;
  #retries = 0;
  #authChallenges = 0;
  #warnedRedirect = false;

  /**
   * Validates the options; no I/O happens until the first request.
   *
   * @throws {ConfigError} For a bad host, a user without a password (or the
   * reverse), an unknown auth mode, or a non-positive number.
   */
  constructor(options: OpencastClientOptions) {
    const {
      host,
      user,
      password,
      auth = DEFAULT_OPENCAST_AUTH,
      timeoutMs = DEFAULT_OPENCAST_TIMEOUT_SECONDS * 1000,
      maxAttempts = DEFAULT_OPENCAST_MAX_ATTEMPTS,
      initialBackoffMs = 500,
      maxBackoffMs = 30_000,
      fetch: fetchOption,
      caCertPath,
      sleep,
      random = Math.random,
      signal,
      nodeLabel,
      userAgent = `ua-harvest/${denoConfig.version}`,
    } = options;
    this.#node = nodeLabel ? `Opencast ${nodeLabel} host` : "Opencast host";
    this.baseUrl = opencastBaseUrl(host, { setting: this.#node });
    const prefix = this.baseUrl.pathname.replace(/\/$/, "");
    // Echoed in every message: a pasted blob must not make them unreadable.
    this.#host = echoValue(`${this.baseUrl.host}${prefix}`);
    this.#nodeLabel = nodeLabel;
    if (user !== undefined && user !== "" && password === undefined) {
      throw new ConfigError(
        `The Opencast password is missing for user ${user}: set the password along with the user`,
      );
    }
    if ((user === undefined || user === "") && password) {
      throw new ConfigError(
        "An Opencast password is set but no user: set the user too",
      );
    }
    if (auth !== "digest" && auth !== "basic") {
      throw new ConfigError(
        `Opencast auth must be "digest" or "basic": current value is ${
          JSON.stringify(auth)
        }`,
      );
    }
    requirePositive("timeoutMs", timeoutMs);
    requirePositive("maxAttempts", maxAttempts);
    if (!Number.isInteger(maxAttempts)) {
      throw new ConfigError(
        `Opencast maxAttempts must be a whole number: current value is ${maxAttempts}`,
      );
    }
    requireNonNegative("initialBackoffMs", initialBackoffMs);
    requireNonNegative("maxBackoffMs", maxBackoffMs);
    this.#user = user === "" ? undefined : user;
    this.#password = password ?? "";
    this.#auth = auth;
    this.#retry = {
      timeoutMs,
      maxAttempts,
      initialBackoffMs,
      maxBackoffMs,
      random,
      signal,
      sleep,
    };
    // Late-bound so a fetch replaced after construction is still used.
    this.#fetch = fetchOption ?? fetchThrough(caHttpClient(caCertPath));
    this.#userAgent = userAgent;
  }

  /** A snapshot of the request counters. */
  get stats(): OpencastClientStats {
    return {
      requests: this.#requests,
      retries: this.#retries,
      authChallenges: this.#authChallenges,
    };
  }

  /**
   * GETs `path` (relative to the base URL, starting with `/`) and parses the
   * JSON answer. Retries timeouts, network errors, 429 and 5xx. HTTP 204 (no
   * content) gives `null`.
   *
   * @throws {AuthenticationError} When the credentials are refused or missing.
   * @throws {EndpointNotFoundError} On 404.
   * @throws {ApiContractError} On another 4xx, or a body that is not JSON.
   * @throws {UnreachableError} When every attempt failed.
   */
  async getJson(
    path: string,
    params: Readonly<Record<string, QueryValue>> = {},
  ): Promise<unknown> {
    const url = this.#buildUrl(path, params);
    return await retryRequest<unknown, StatusResult>(
      (signal) => this.#attempt(url, path, signal),
      {
        ...this.#retry,
        server: `${this.#node} ${this.#host}`,
        onRetry: ({ properties }) => {
          this.#retries++;
          // The cause in the line itself (HTTP 503, connection refused, a
          // timeout): the operator reading the warnings of a run that
          // recovered never sees the final error that would name it.
          logger.warn(
            "Opencast {endpoint} failed ({cause}), retrying in {delayMs} ms (attempt {attempt} of {maxAttempts})",
            { endpoint: path, host: this.#host, ...properties },
          );
        },
        giveUp: ({ attempt, outcome, cause, retryable }) =>
          retryable
            ? new UnreachableError(
              `${this.#node} ${this.#host} did not answer ${path} after ${attempt} ${
                plural(attempt, "attempt")
              }: last ${cause}`,
            )
            : new ApiContractError(
              `${this.#node} ${this.#host} answered HTTP ${
                outcome.kind === "status" ? outcome.status : "?"
              } for ${path}: ${
                JSON.stringify(
                  outcome.kind === "status" ? outcome.excerpt : "",
                )
              }`,
            ),
      },
    );
  }

  #buildUrl(path: string, params: Readonly<Record<string, QueryValue>>): URL {
    if (!path.startsWith("/")) {
      throw new TypeError(
        `Cannot request an Opencast path that does not start with "/": current value is ${
          JSON.stringify(path)
        }`,
      );
    }
    const url = new URL(path.slice(1), this.baseUrl);
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        for (const item of value) url.searchParams.append(name, item);
      } else {
        url.searchParams.append(name, String(value));
      }
    }
    return url;
  }

  /** One attempt: the request plus its authentication round trips and redirects. */
  async #attempt(
    url: URL,
    endpoint: string,
    signal: AbortSignal,
  ): Promise<AcceptedAnswer<unknown> | StatusResult> {
    let target = url;
    let redirects = 0;
    // The challenge this attempt received; a refusal of an answer to it means
    // the credentials are wrong, not that an old nonce went bad.
    let fresh: DigestChallenge | null = null;
    let staleRenewed = false;
    let challenges = 0;
    for (;;) {
      const { response, sent } = await this.#send(target, signal);
      const { status } = response;
      logger.debug("GET {endpoint}: HTTP {status}", {
        endpoint,
        host: this.#host,
        status,
      });
      if (status === 401) {
        const header = response.headers.get("www-authenticate");
        await discard(response);
        const offered = parseDigestChallenge(header);
        if (offered) this.#authChallenges++;
        this.#checkUnauthorized(endpoint, header, offered, sent, fresh);
        // A first challenge, one stale renewal and one reused nonce going bad
        // need at most three; more means the server never accepts an answer.
        if (++challenges > 3) throw this.#refused(header);
        // Here `offered` is set: either the first challenge, a stale nonce,
        // or a reused nonce the server no longer accepts.
        if (sent !== null && sent === fresh) {
          if (!offered!.stale || staleRenewed) throw this.#refused(header);
          staleRenewed = true;
        }
        this.#challenge = offered;
        this.#nonceCount = 0;
        fresh = offered;
        continue;
      }
      if (status >= 300 && status < 400) {
        target = await this.#redirect(response, target, endpoint, ++redirects);
        continue;
      }
      if (status === 204) {
        // Opencast's "null entity", e.g. /usertracking/action/{id}.json for
        // an id that does not exist.
        await discard(response);
        return { kind: "json", value: null };
      }
      if (status >= 200 && status < 300) {
        return {
          kind: "json",
          value: await this.#readJson(response, endpoint),
        };
      }
      if (status === 403) {
        await discard(response);
        throw new AuthenticationError(
          this.#user === undefined
            ? `${this.#node} ${this.#host} refused anonymous access to ${endpoint} (HTTP 403): set the Opencast user and password`
            : `${this.#node} ${this.#host} refused user ${this.#user} access to ${endpoint} (HTTP 403): give the user a role that may read it`,
        );
      }
      if (status === 404) {
        await discard(response);
        throw new EndpointNotFoundError(
          endpoint,
          `Endpoint ${endpoint} not found at host ${this.#host}: ${
            this.#nodeLabel
              ? `is it an ${this.#nodeLabel} node?`
              : "is it the right Opencast node?"
          }`,
        );
      }
      return {
        kind: "status",
        status,
        retryAfter: response.headers.get("retry-after"),
        excerpt: excerpt(await response.text()),
      };
    }
  }

  /** Throws for a 401 that answering the challenge cannot fix. */
  #checkUnauthorized(
    endpoint: string,
    header: string | null,
    offered: DigestChallenge | null,
    sent: DigestChallenge | null,
    fresh: DigestChallenge | null,
  ): void {
    if (this.#user === undefined) {
      throw new AuthenticationError(
        `${this.#node} ${this.#host} asked for a login on ${endpoint}: set the Opencast user and password`,
      );
    }
    if (header === null) {
      // Opencast's service-level "unauthorized": logged in, not allowed.
      throw new AuthenticationError(
        `${this.#node} ${this.#host} does not let user ${this.#user} read ${endpoint}: give the user a role that may read it`,
      );
    }
    if (this.#auth === "basic" || offered === null) {
      throw this.#refused(header);
    }
    if (sent !== null && sent === fresh && !offered.stale) {
      throw this.#refused(header);
    }
  }

  /**
   * The credentials were refused: names the scheme that was tried and, when
   * the server's challenge asks for the other one, says to switch (a wrong
   * `--auth` looks exactly like a wrong password otherwise).
   */
  #refused(header: string | null): AuthenticationError {
    const used = this.#auth;
    const other = used === "digest" ? "basic" : "digest";
    const offers = {
      digest: parseDigestChallenge(header) !== null,
      basic: /(^|,)\s*basic\b/i.test(header ?? ""),
    };
    const tried =
      `Authentication failed for user ${this.#user} at host ${this.#host} with --auth ${used}`;
    return new AuthenticationError(
      offers[other] && !offers[used]
        ? `${tried}, but the server asks for ${
          other === "digest" ? "Digest" : "Basic"
        }: set --auth ${other} (OPENCAST_AUTH=${other})`
        : `${tried}: check the Opencast user and password, or try --auth ${other} (OPENCAST_AUTH=${other})`,
    );
  }

  async #redirect(
    response: Response,
    from: URL,
    endpoint: string,
    redirects: number,
  ): Promise<URL> {
    const location = response.headers.get("location");
    await discard(response);
    const target = location === null ? null : URL.parse(location, from);
    if (
      target !== null && target.origin !== this.baseUrl.origin &&
      IDENTITY_PROVIDER_REGEXP.test(`${target.hostname}${target.pathname}`)
    ) {
      // Single sign-on (Shibboleth, CAS, SAML, Azure AD…): no host setting
      // helps, the API needs an account it accepts itself.
      throw new AuthenticationError(
        `${this.#node} ${this.#host} sent ${endpoint} to a single sign-on login at ${target.hostname} (HTTP ${response.status}): the harvester cannot sign in through a login page; use an Opencast account the API accepts directly with Digest or Basic authentication (such as the digest system account) in MATTERHORN_REST_USER and MATTERHORN_REST_PASS`,
      );
    }
    if (location !== null && /login/i.test(location)) {
      throw new AuthenticationError(
        this.#user === undefined
          ? `${this.#node} ${this.#host} sent ${endpoint} to its login page: set the Opencast user and password`
          : `${this.#node} ${this.#host} sent ${endpoint} to its login page instead of accepting user ${this.#user}: check the user and password`,
      );
    }
    if (location === null) {
      throw new ApiContractError(
        `${this.#node} ${this.#host} answered HTTP ${response.status} for ${endpoint} without a Location`,
      );
    }
    if (redirects > MAX_REDIRECTS) {
      throw new ApiContractError(
        `${this.#node} ${this.#host} redirected ${endpoint} more than ${MAX_REDIRECTS} times: check the host setting`,
      );
    }
    const to = new URL(location, from);
    if (!this.#warnedRedirect) {
      this.#warnedRedirect = true;
      logger.warn(
        "Opencast redirects {endpoint} to {location}: set the host to the URL it redirects to",
        { endpoint, host: this.#host, location: to.origin + to.pathname },
      );
    }
    return to;
  }

  async #readJson(response: Response, endpoint: string): Promise<unknown> {
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiContractError(
        `${this.#node} ${this.#host} answered ${endpoint} with something that is not JSON: ${
          JSON.stringify(excerpt(text))
        }`,
      );
    }
  }

  /** Sends one request; `sent` is the challenge its Digest header answered. */
  async #send(
    url: URL,
    signal: AbortSignal,
  ): Promise<{ response: Response; sent: DigestChallenge | null }> {
    const headers = new Headers({
      "Accept": "application/json",
      "User-Agent": this.#userAgent,
    });
    let sent: DigestChallenge | null = null;
    // Credentials and cookies go only to the configured origin, not to
    // wherever a redirect points.
    const sameOrigin = url.origin === this.baseUrl.origin;
    if (this.#user !== undefined && sameOrigin) {
      // Without these Opencast serves anonymous-readable paths as anonymous
      // (X-Opencast-Matterhorn-Authorization, up to 8.x) and answers a
      // missing login with a redirect to its login page instead of a 401.
      headers.set("X-Requested-Auth", "Digest");
      headers.set("X-Opencast-Matterhorn-Authorization", "true");
      if (this.#auth === "basic") {
        headers.set(
          "Authorization",
          basicAuthorization(this.#user, this.#password),
        );
      } else if (this.#challenge !== null) {
        sent = this.#challenge;
        headers.set(
          "Authorization",
          digestAuthorization({
            challenge: sent,
            username: this.#user,
            password: this.#password,
            method: "GET",
            uri: url.pathname + url.search,
            cnonce: randomHex(16),
            nc: ++this.#nonceCount,
          }),
        );
      }
    }
    const cookies = sameOrigin ? cookieHeader(this.#cookies) : null;
    if (cookies !== null) headers.set("Cookie", cookies);
    this.#requests++;
    const response = await this.#fetch(url, {
      method: "GET",
      headers,
      signal,
      redirect: "manual",
    });
    if (sameOrigin) {
      storeCookies(this.#cookies, response.headers.getSetCookie(), Date.now());
    }
    return { response, sent };
  }
}

function requirePositive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new ConfigError(
      `Opencast ${name} must be a positive number: current value is ${value}`,
    );
  }
}

function requireNonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new ConfigError(
      `Opencast ${name} must be zero or a positive number: current value is ${value}`,
    );
  }
}

function basicAuthorization(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function randomHex(bytes: number): string {
  const buffer = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/** Releases a body the client does not read, so the connection is reused. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to release.
  }
}

function excerpt(text: string): string {
  const flat = oneLine(text);
  return flat.length > BODY_EXCERPT_CHARS
    ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…`
    : flat;
}

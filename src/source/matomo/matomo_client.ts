/**
 * The HTTP client for Matomo's reporting API (matomo-api.md §2): every call
 * a form POST to `index.php` with `module=API`, `format=JSON` and the token
 * in the body (Matomo 5 refuses a token in the URL, and the URL ends up in
 * logs), per-attempt timeouts, and retries of what can pass (network
 * errors, timeouts, 408, 429, 5xx) through the shared retry loop. A refused
 * token is never retried: Matomo's brute-force protection counts every
 * failure and would lock this address out.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import denoConfig from "../../../deno.json" with { type: "json" };
import {
  DEFAULT_MATOMO_MAX_ATTEMPTS,
  DEFAULT_MATOMO_TIMEOUT_SECONDS,
} from "../../config/defaults.ts";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../../errors.ts";
import {
  type AcceptedAnswer,
  type RequestRetrySettings,
  retryRequest,
  type StatusOutcome,
} from "../../http/retry_request.ts";
import { echoValue } from "../../util/echo_value.ts";
import { matomoApiUrl } from "./matomo_base_url.ts";
import type {
  MatomoCustomDimension,
  MatomoSite,
  MatomoVisit,
} from "./matomo_types.ts";
import { normalizeVisits } from "./normalize_visits.ts";
import { VisitorLogDisabledError } from "./visitor_log_disabled_error.ts";

const logger = getLogger(["ua-harvest", "matomo"]);

/** The `fetch` the client calls; `globalThis.fetch` fits. */
export type MatomoFetch = (
  input: URL,
  init: RequestInit & { client?: Deno.HttpClient },
) => Promise<Response>;

/** Options for {@linkcode MatomoClient}. */
export interface MatomoClientOptions {
  /** `MATOMO_URL`: Matomo's base URL (`index.php` is appended). */
  readonly url: string;
  /** `MATOMO_TOKEN_AUTH`: sent in the POST body only, never logged. */
  readonly tokenAuth: string;
  /**
   * The timeout of one attempt, in milliseconds.
   *
   * @default {@linkcode DEFAULT_MATOMO_TIMEOUT_SECONDS} seconds
   */
  readonly timeoutMs?: number;
  /**
   * How many attempts a call gets in all, the first one included.
   *
   * @default {@linkcode DEFAULT_MATOMO_MAX_ATTEMPTS}
   */
  readonly maxAttempts?: number;
  /**
   * The ceiling of the first retry's random delay, in milliseconds.
   *
   * @default 500
   */
  readonly initialBackoffMs?: number;
  /**
   * The longest wait between attempts, in milliseconds.
   *
   * @default 30000
   */
  readonly maxBackoffMs?: number;
  /**
   * The `fetch` to send requests with.
   *
   * @default globalThis.fetch
   */
  readonly fetch?: MatomoFetch;
  /**
   * A Deno HTTP client (a private CA, a proxy), handed to `fetch` as `client`.
   *
   * @default undefined (Deno's default client)
   */
  readonly httpClient?: Deno.HttpClient;
  /**
   * The wait between retries.
   *
   * @default an abortable setTimeout
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Numbers in `[0, 1)` for the backoff jitter.
   *
   * @default Math.random
   */
  readonly random?: () => number;
  /** Aborts every request and wait; calls then reject with its reason. */
  readonly signal?: AbortSignal;
  /**
   * The `User-Agent` header.
   *
   * @default "ua-harvest/<version>"
   */
  readonly userAgent?: string;
}

/** A `Live.getLastVisitsDetails` request. */
export interface LastVisitsQuery {
  /** `idSite`. */
  readonly idSite: number;
  /** Only visits whose last action time is after this, epoch seconds (strict). */
  readonly minTimestamp?: number;
  /** `filter_limit`: visits per page, at least 1 (`-1`, "all", is never sent). */
  readonly limit: number;
  /**
   * `filter_offset`.
   *
   * @default 0
   */
  readonly offset?: number;
  /**
   * Oldest last action time first (`filter_sort_order=asc`), else newest.
   *
   * @default true
   */
  readonly ascending?: boolean;
  /**
   * `doNotFetchActions`: the visits without their actions.
   *
   * @default false
   */
  readonly withoutActions?: boolean;
}

/** Counters for the run summary. */
export interface MatomoClientStats {
  /** HTTP requests sent, retries included. */
  readonly requests: number;
  /** Retries after a timeout, a network error, 408, 429 or 5xx. */
  readonly retries: number;
}

/** How much of an unexpected body goes into an error message. */
const BODY_EXCERPT_CHARS = 80;

/** A status the client did not accept, with what to quote of its answer (JSON text). */
type StatusResult = StatusOutcome & { readonly detail: string };

/**
 * A client for one Matomo instance. Its calls throw `AuthenticationError`
 * (exit 3) for a refused token, `VisitorLogDisabledError` when the visits
 * log is off, `ApiContractError` (exit 5) for answers the tool cannot use,
 * `UnreachableError` (exit 4) when every attempt failed.
 *
 * @example Usage
 * ```ts ignore
 * const matomo = new MatomoClient({ url: "https://matomo.example.edu/", tokenAuth });
 * const site = await matomo.site(1);
 * const visits = await matomo.lastVisits({ idSite: 1, minTimestamp, limit: 100 });
 * ```
 */
export class MatomoClient {
  /** The API endpoint, `…/index.php`. */
  readonly apiUrl: URL;
  readonly #host: string;
  readonly #token: string;
  /** Attempts, backoff, timeout, signal and wait of every request. */
  readonly #retry: RequestRetrySettings;
  readonly #fetch: MatomoFetch;
  readonly #httpClient: Deno.HttpClient | undefined;
  readonly #userAgent: string;
  #requests = 0;
  #retries = 0;

  /**
   * Validates the options; no I/O happens until the first call.
   *
   * @throws {ConfigError} For a bad URL, an empty token or a non-positive number.
   */
  constructor(options: MatomoClientOptions) {
    const {
      url,
      tokenAuth,
      timeoutMs = DEFAULT_MATOMO_TIMEOUT_SECONDS * 1000,
      maxAttempts = DEFAULT_MATOMO_MAX_ATTEMPTS,
      initialBackoffMs = 500,
      maxBackoffMs = 30_000,
      fetch: fetchOption,
      httpClient,
      sleep,
      random = Math.random,
      signal,
      userAgent = `ua-harvest/${denoConfig.version}`,
    } = options;
    this.apiUrl = matomoApiUrl(url);
    this.#host = echoValue(
      `${this.apiUrl.host}${this.apiUrl.pathname.replace(/\/index\.php$/, "")}`,
    );
    if (tokenAuth.trim() === "") {
      throw new ConfigError(
        "MATOMO_TOKEN_AUTH is empty: set it (in the environment or .env) to a Matomo token with view access to the site",
      );
    }
    for (
      const [name, value, min] of [
        ["timeoutMs", timeoutMs, Number.MIN_VALUE],
        ["maxAttempts", maxAttempts, 1],
        ["initialBackoffMs", initialBackoffMs, 0],
        ["maxBackoffMs", maxBackoffMs, 0],
      ] as const
    ) {
      if (!(Number.isFinite(value) && value >= min)) {
        throw new ConfigError(
          `Matomo ${name} must be at least ${min}: current value is ${value}`,
        );
      }
    }
    if (!Number.isInteger(maxAttempts)) {
      throw new ConfigError(
        `Matomo maxAttempts must be a whole number: current value is ${maxAttempts}`,
      );
    }
    this.#token = tokenAuth.trim();
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
    this.#fetch = fetchOption ?? ((input, init) => fetch(input, init));
    this.#httpClient = httpClient;
    this.#userAgent = userAgent;
  }

  /** A snapshot of the request counters. */
  get stats(): MatomoClientStats {
    return { requests: this.#requests, retries: this.#retries };
  }

  /** `API.getMatomoVersion`: the version, e.g. `5.3.2`. */
  async matomoVersion(): Promise<string> {
    const method = "API.getMatomoVersion";
    const value = await this.call(method, {});
    const version = (value as { value?: unknown } | null)?.value;
    if (typeof version !== "string") this.#unexpected(method, value);
    return version;
  }

  /** `SitesManager.getSiteFromId`: the site, with its zone. */
  async site(idSite: number): Promise<MatomoSite> {
    const method = "SitesManager.getSiteFromId";
    const value = await this.call(method, { idSite });
    const site = value as Record<string, unknown> | null;
    if (
      typeof site !== "object" || site === null ||
      typeof site.timezone !== "string" || site.timezone === ""
    ) {
      this.#unexpected(method, value);
    }
    return {
      idSite,
      name: typeof site.name === "string" ? site.name : "",
      timezone: site.timezone,
    };
  }

  /** `CustomDimensions.getConfiguredCustomDimensions`: the site's dimensions. */
  async customDimensions(idSite: number): Promise<MatomoCustomDimension[]> {
    const method = "CustomDimensions.getConfiguredCustomDimensions";
    const value = await this.call(method, { idSite });
    if (!Array.isArray(value)) this.#unexpected(method, value);
    return value.map((raw) => {
      const d = raw as Record<string, unknown> | null;
      const id = Number(d?.idcustomdimension);
      if (
        !Number.isSafeInteger(id) || typeof d?.name !== "string" ||
        (d.scope !== "action" && d.scope !== "visit")
      ) {
        this.#unexpected(method, raw);
      }
      const active = d.active === true || d.active === 1 || d.active === "1";
      return { id, name: d.name, scope: d.scope, active };
    });
  }

  /**
   * `Live.getLastVisitsDetails`, one page.
   *
   * @throws {RangeError} When `limit` is not a positive whole number: the
   * client never asks Matomo for everything at once.
   */
  async lastVisits(query: LastVisitsQuery): Promise<MatomoVisit[]> {
    const {
      idSite,
      minTimestamp,
      limit,
      offset = 0,
      ascending = true,
      withoutActions = false,
    } = query;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot read Matomo visits as 'limit' must be a positive whole number: current value is ${limit}`,
      );
    }
    const value = await this.call("Live.getLastVisitsDetails", {
      idSite,
      minTimestamp,
      filter_limit: limit,
      filter_offset: offset,
      filter_sort_order: ascending ? "asc" : "desc",
      doNotFetchActions: withoutActions ? 1 : undefined,
    });
    return normalizeVisits(value);
  }

  /**
   * Calls an API method and parses its JSON answer (retrying what can
   * pass); `undefined` parameters are left out.
   */
  async call(
    method: string,
    params: Readonly<Record<string, string | number | undefined>>,
  ): Promise<unknown> {
    const form = new URLSearchParams({
      module: "API",
      method,
      format: "JSON",
    });
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined) form.set(name, String(value));
    }
    form.set("token_auth", this.#token);
    const body = form.toString();
    return await retryRequest<unknown, StatusResult>(
      (signal) => this.#attempt(method, body, signal),
      {
        ...this.#retry,
        server: `Matomo at ${this.#host}`,
        onRetry: ({ outcome, cause, properties }) => {
          this.#retries++;
          logger.warn(
            "Matomo {method} failed with {failure}, retrying in {delayMs} ms (attempt {attempt} of {maxAttempts})",
            {
              method,
              host: this.#host,
              // The status as Matomo's own logs give it; any other failure
              // in words (a timeout, connection refused).
              failure: outcome.kind === "status" ? outcome.status : cause,
              ...properties,
            },
          );
        },
        giveUp: ({ attempt, outcome, cause, retryable }) =>
          retryable
            ? new UnreachableError(
              `Matomo at ${this.#host} did not answer ${method} after ${attempt} attempts: last ${cause}`,
            )
            : new ApiContractError(
              `Matomo at ${this.#host} answered HTTP ${
                outcome.kind === "status" ? outcome.status : "?"
              } for ${method}: ${
                outcome.kind === "status" ? outcome.detail : '""'
              }${
                outcome.kind === "status" && outcome.status === 404
                  ? " (is MATOMO_URL Matomo's base URL?)"
                  : ""
              }`,
            ),
      },
    );
  }

  /** One POST: a parsed answer, a failure to classify, or a thrown error that ends the call. */
  async #attempt(
    method: string,
    body: string,
    signal: AbortSignal,
  ): Promise<AcceptedAnswer<unknown> | StatusResult> {
    this.#requests++;
    const response = await this.#fetch(this.apiUrl, {
      method: "POST",
      headers: {
        "Accept": "application/json",
        "Content-Type": "application/x-www-form-urlencoded",
        "User-Agent": this.#userAgent,
      },
      body,
      signal,
      // A redirect of a POST turns into a GET without the body (and the
      // token would follow it elsewhere): report it instead.
      redirect: "manual",
      ...(this.#httpClient ? { client: this.#httpClient } : {}),
    });
    const { status } = response;
    logger.debug("Matomo {method}: HTTP {status}", {
      method,
      host: this.#host,
      status,
    });
    if (status >= 300 && status < 400) {
      await response.body?.cancel();
      const location = response.headers.get("location");
      const to = location === null ? null : new URL(location, this.apiUrl);
      throw new ApiContractError(
        `Matomo at ${this.#host} redirects ${method} to ${
          to === null ? "nowhere" : echoValue(to.origin + to.pathname)
        }: set MATOMO_URL to the URL it redirects to`,
      );
    }
    const text = await response.text();
    const json = parseJson(text);
    const message = errorMessage(json);
    if (message !== undefined || status === 401 || status === 403) {
      this.#throwForError(method, status, message);
      // A Matomo error that another attempt may not repeat (a 5xx).
      if (status >= 500) {
        return { kind: "status", status, detail: JSON.stringify(message) };
      }
      throw new ApiContractError(
        `Matomo at ${this.#host} answered ${method} with an error: ${
          JSON.stringify(echoValue(message ?? ""))
        }`,
      );
    }
    if (status >= 200 && status < 300) {
      if (json === undefined) {
        throw new ApiContractError(
          `Matomo at ${this.#host} answered ${method} with something that is not JSON: ${
            JSON.stringify(excerpt(text))
          } (is MATOMO_URL Matomo's base URL?)`,
        );
      }
      return { kind: "json", value: json };
    }
    return {
      kind: "status",
      status,
      retryAfter: response.headers.get("retry-after"),
      detail: JSON.stringify(excerpt(text)),
    };
  }

  /** Throws for a refused token and a switched-off visits log; returns for other errors. */
  #throwForError(
    method: string,
    status: number,
    message: string | undefined,
  ): void {
    const text = message ?? "";
    if (/visits? log is deactivated/i.test(text)) {
      const site = /website settings|idSite=/i.test(text);
      throw new VisitorLogDisabledError(
        `Matomo at ${this.#host} has its visits log switched off ${
          site ? "for the site" : "for all sites"
        }: turn off "Disable visits log & visitor profile" (disable_visitor_log) in ${
          site
            ? "the website's settings (Administration > Websites > Manage)"
            : "Matomo's general settings (Administration > System > General settings)"
        }`,
      );
    }
    if (/too many failed logins/i.test(text)) {
      throw new AuthenticationError(
        `Matomo at ${this.#host} blocks this address after too many failed logins: check MATOMO_TOKEN_AUTH, then wait for the block to end or ask a Matomo admin to lift it`,
      );
    }
    if (/unable to authenticate|token/i.test(text)) {
      throw new AuthenticationError(
        `Matomo at ${this.#host} refused the token for ${method} (HTTP ${status}): check MATOMO_TOKEN_AUTH`,
      );
    }
    if (
      status === 401 || status === 403 || /access|website id/i.test(text)
    ) {
      throw new AuthenticationError(
        `Matomo at ${this.#host} refused ${method} (HTTP ${status}: ${
          JSON.stringify(echoValue(text))
        }): check MATOMO_SITE_ID, and that the user of MATOMO_TOKEN_AUTH has view access to that site`,
      );
    }
  }

  #unexpected(method: string, value: unknown): never {
    throw new ApiContractError(
      `Matomo at ${this.#host} answered ${method} with JSON of an unexpected shape: ${
        echoValue(JSON.stringify(value) ?? "undefined", BODY_EXCERPT_CHARS)
      }`,
    );
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Matomo's error answer: `{"result":"error","message":"…"}`. */
function errorMessage(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return undefined;
  }
  const { result, message } = json as Record<string, unknown>;
  if (result !== "error") return undefined;
  return typeof message === "string" ? message : "";
}

function excerpt(text: string): string {
  return echoValue(text.trim(), BODY_EXCERPT_CHARS);
}

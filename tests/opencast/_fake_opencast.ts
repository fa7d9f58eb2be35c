/**
 * Test helpers for the Opencast client: a scripted `fetch` that records what
 * it was sent, and a Digest verifier that checks `Authorization` headers the
 * way Opencast's Spring Security filter does.
 *
 * @module
 */
import {
  type DigestAlgorithm,
  digestResponse,
  parseAuthParams,
} from "../../src/opencast/digest.ts";
import {
  type FetchLike,
  OpencastClient,
} from "../../src/opencast/opencast_client.ts";

/** One request the fake received. */
export interface RecordedRequest {
  readonly url: URL;
  readonly headers: Headers;
  readonly signal: AbortSignal | null;
}

/** Answers one request; `index` counts from 0 over all requests. */
export type FakeHandler = (
  request: RecordedRequest,
  index: number,
) => Response | Promise<Response>;

/** A `fetch` that hands every request to `handler` and records it. */
export function fakeFetch(
  handler: FakeHandler,
): { fetch: FetchLike; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  function fetch(input: URL, init: RequestInit): Promise<Response> {
    const request = {
      url: new URL(input),
      headers: new Headers(init.headers),
      signal: init.signal ?? null,
    };
    requests.push(request);
    return Promise.resolve(handler(request, requests.length - 1));
  }
  return { fetch, requests };
}

/**
 * An {@linkcode OpencastClient} for host `engage` whose requests go to
 * `handler`, and the fake `fetch` that recorded them.
 */
export function engageClient(handler: FakeHandler): {
  fake: { fetch: FetchLike; requests: RecordedRequest[] };
  client: OpencastClient;
} {
  const fake = fakeFetch(handler);
  return {
    fake,
    client: new OpencastClient({ host: "engage", fetch: fake.fetch }),
  };
}

/** A sleep that returns at once and remembers how long it was asked to wait. */
export function fakeSleep(): {
  sleep: (ms: number) => Promise<void>;
  delays: number[];
} {
  const delays: number[] = [];
  return {
    delays,
    sleep(ms: number) {
      delays.push(ms);
      return Promise.resolve();
    },
  };
}

/** A JSON 200 response. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { "content-type": "application/json", ...init.headers },
  });
}

/** Options for {@linkcode FakeDigest}. */
export interface FakeDigestOptions {
  readonly user: string;
  readonly password: string;
  /** @default "Opencast" */
  readonly realm?: string;
  /** @default "MD5" */
  readonly algorithm?: DigestAlgorithm;
}

/**
 * Verifies Digest answers like Opencast: challenges requests without one,
 * answers `stale="true"` for an expired nonce, and refuses wrong responses.
 */
export class FakeDigest {
  /** The nonce the next challenge carries. */
  nonce = "MTQ3NzA3MTAwMDAwMDpjMGZmZWU=";
  /** Nonce counts seen, in order, for accepted requests. */
  readonly acceptedNc: number[] = [];
  readonly #expired = new Set<string>();
  readonly #options: FakeDigestOptions;

  constructor(options: FakeDigestOptions) {
    this.#options = options;
  }

  /** Expires the current nonce and starts a new one. */
  rotateNonce(): void {
    this.#expired.add(this.nonce);
    this.nonce = `${this.nonce}x`;
  }

  /** `null` when the request is authenticated, otherwise the 401 to answer. */
  check(request: RecordedRequest): Response | null {
    const header = request.headers.get("authorization");
    if (header === null || !header.startsWith("Digest ")) {
      return this.#challenge(false);
    }
    const params = parseAuthParams(header.slice("Digest ".length));
    const nonce = params.get("nonce") ?? "";
    if (this.#expired.has(nonce)) return this.#challenge(true);
    if (nonce !== this.nonce) return this.#challenge(false);
    const uri = params.get("uri") ?? "";
    if (uri !== request.url.pathname + request.url.search) {
      return this.#challenge(false);
    }
    const nc = parseInt(params.get("nc") ?? "", 16);
    const expected = digestResponse({
      challenge: {
        realm: this.#options.realm ?? "Opencast",
        nonce,
        qop: "auth",
        algorithm: this.#options.algorithm ?? "MD5",
        stale: false,
      },
      username: this.#options.user,
      password: this.#options.password,
      method: "GET",
      uri,
      cnonce: params.get("cnonce") ?? "",
      nc,
    });
    if (
      params.get("username") !== this.#options.user ||
      params.get("response") !== expected
    ) {
      return this.#challenge(false);
    }
    this.acceptedNc.push(nc);
    return null;
  }

  #challenge(stale: boolean): Response {
    const algorithm = this.#options.algorithm
      ? `, algorithm=${this.#options.algorithm}`
      : "";
    return new Response("unauthorized", {
      status: 401,
      headers: {
        "www-authenticate": `Digest realm="${
          this.#options.realm ?? "Opencast"
        }", qop="auth", nonce="${this.nonce}"${algorithm}${
          stale ? ', stale="true"' : ""
        }`,
      },
    });
  }
}

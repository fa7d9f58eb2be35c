/**
 * A machine for the credential chain's tests: an environment, files and a
 * `fetch` that answers from routes (`PUT http://169.254.169.254/latest/api/token`)
 * and records every request it saw.
 */
import type { CredentialChainOptions } from "../../../src/aws/credentials/credential_chain.ts";

/** A request the fake `fetch` saw. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** An answer: status and body, or a function of the request. */
export type Route =
  | { readonly status?: number; readonly body: string }
  | ((request: SeenRequest) => { status?: number; body: string });

/** The chain's options on a fake machine, and what it was asked. */
export function fakeSources(
  options: {
    env?: Record<string, string>;
    files?: Record<string, string>;
    routes?: Record<string, Route>;
    now?: () => number;
  } = {},
): CredentialChainOptions & { seen: SeenRequest[]; reads: string[] } {
  const seen: SeenRequest[] = [];
  const reads: string[] = [];
  const { env = {}, files = {}, routes = {} } = options;
  return {
    env,
    homeDir: "/home/op",
    now: options.now ?? (() => Date.parse("2026-01-01T00:00:00Z")),
    readTextFile(path) {
      reads.push(path);
      const text = files[path];
      return text === undefined
        ? Promise.reject(new Deno.errors.NotFound(`No such file: ${path}`))
        : Promise.resolve(text);
    },
    fetch(input, init) {
      const url = String(input);
      const request: SeenRequest = {
        method: init?.method ?? "GET",
        url,
        headers: Object.fromEntries(new Headers(init?.headers).entries()),
        body: typeof init?.body === "string" ? init.body : "",
      };
      seen.push(request);
      const route = routes[`${request.method} ${url}`];
      if (route === undefined) {
        return Promise.reject(
          new TypeError("fetch failed", {
            cause: new Error(
              "tcp connect error: Connection refused (os error 111)",
            ),
          }),
        );
      }
      const { status = 200, body } = typeof route === "function"
        ? route(request)
        : route;
      return Promise.resolve(new Response(body, { status }));
    },
    sdkFallback: () => Promise.reject(new Error("the SDK was not expected")),
    seen,
    reads,
  };
}

/** The JSON the container endpoint and the metadata service answer. */
export function credentialsJson(
  id: string,
  expiration = "2026-01-01T06:00:00Z",
): string {
  return JSON.stringify({
    Code: "Success",
    Type: "AWS-HMAC",
    AccessKeyId: id,
    SecretAccessKey: `${id}-secret`,
    Token: `${id}-token`,
    Expiration: expiration,
  });
}

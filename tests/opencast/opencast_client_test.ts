import assert from "node:assert/strict";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../../src/errors.ts";
import { EndpointNotFoundError } from "../../src/opencast/endpoint_not_found_error.ts";
import {
  OpencastClient,
  type OpencastClientOptions,
} from "../../src/opencast/opencast_client.ts";
import {
  FakeDigest,
  fakeFetch,
  type FakeHandler,
  fakeSleep,
  json,
} from "./_fake_opencast.ts";
import { captureLogs, logLine } from "../support/capture_logs.ts";

const USER = "opencast_system_account";
const PASSWORD = "s3cret-Pa55word";
const OK_BODY = { actions: { total: 0, offset: 0, limit: 10 } };

function setup(
  handler: FakeHandler,
  options: Partial<OpencastClientOptions> = {},
) {
  const fake = fakeFetch(handler);
  const sleeper = fakeSleep();
  const client = new OpencastClient({
    host: "engage.example.edu",
    user: USER,
    password: PASSWORD,
    nodeLabel: "engage",
    fetch: fake.fetch,
    sleep: sleeper.sleep,
    random: () => 0.5,
    ...options,
  });
  return { client, requests: fake.requests, delays: sleeper.delays };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("expected a rejection");
}

Deno.test("OpencastClient answers the first challenge and then reuses the nonce with a rising nc", async () => {
  const digest = new FakeDigest({ user: USER, password: PASSWORD });
  const { client, requests } = setup((request) =>
    digest.check(request) ?? json(OK_BODY)
  );

  for (let i = 0; i < 3; i++) {
    assert.deepEqual(
      await client.getJson("/usertracking/actions.json", { limit: 10 }),
      OK_BODY,
    );
  }

  assert.equal(requests.length, 4);
  assert.equal(requests[0]!.headers.get("authorization"), null);
  assert.deepEqual(digest.acceptedNc, [1, 2, 3]);
  assert.deepEqual(client.stats, {
    requests: 4,
    retries: 0,
    authChallenges: 1,
  });
  const headers = requests[3]!.headers;
  assert.equal(headers.get("x-requested-auth"), "Digest");
  assert.equal(headers.get("x-opencast-matterhorn-authorization"), "true");
  assert.equal(headers.get("accept"), "application/json");
  assert.match(headers.get("user-agent") ?? "", /^ua-harvest\/\d/);
});

Deno.test("OpencastClient speaks SHA-256 digest when the server asks for it", async () => {
  const digest = new FakeDigest({
    user: USER,
    password: PASSWORD,
    algorithm: "SHA-256",
  });
  const { client } = setup((request) => digest.check(request) ?? json(OK_BODY));

  await client.getJson("/search/episode.json", { id: "mp-1" });

  assert.deepEqual(digest.acceptedNc, [1]);
});

Deno.test("OpencastClient renews a stale nonce without a retry", async () => {
  const digest = new FakeDigest({ user: USER, password: PASSWORD });
  const { client, requests, delays } = setup((request) =>
    digest.check(request) ?? json(OK_BODY)
  );
  await client.getJson("/usertracking/actions.json");

  digest.rotateNonce();
  await client.getJson("/usertracking/actions.json");

  assert.equal(requests.length, 4);
  assert.deepEqual(digest.acceptedNc, [1, 1]);
  assert.deepEqual(client.stats, {
    requests: 4,
    retries: 0,
    authChallenges: 2,
  });
  assert.deepEqual(delays, []);
});

Deno.test("OpencastClient answers a fresh challenge when the server forgot its nonce", async () => {
  const digest = new FakeDigest({ user: USER, password: PASSWORD });
  const { client, requests } = setup((request) =>
    digest.check(request) ?? json(OK_BODY)
  );
  await client.getJson("/usertracking/actions.json");

  // A restarted server does not know the old nonce and does not say stale.
  digest.nonce = "cmVzdGFydGVk";
  await client.getJson("/usertracking/actions.json");

  assert.equal(requests.length, 4);
  assert.deepEqual(digest.acceptedNc, [1, 1]);
});

Deno.test("OpencastClient throws AuthenticationError for a wrong password, without retrying", async () => {
  const digest = new FakeDigest({ user: USER, password: "the-right-one" });
  const { client, requests, delays } = setup((request) =>
    digest.check(request) ?? json(OK_BODY)
  );

  const error = await rejection(client.getJson("/usertracking/actions.json"));

  assert.ok(error instanceof AuthenticationError);
  assert.equal(
    error.message,
    `Authentication failed for user ${USER} at host engage.example.edu with --auth digest: check the Opencast user and password, or try --auth basic (OPENCAST_AUTH=basic)`,
  );
  assert.equal(requests.length, 2);
  assert.deepEqual(delays, []);
});

Deno.test("OpencastClient keeps the session cookie and sends it back", async () => {
  const { client, requests } = setup((_request, index) =>
    json(OK_BODY, {
      headers: index === 0
        ? { "set-cookie": "JSESSIONID=node01abc; Path=/; HttpOnly" }
        : {},
    })
  );

  await client.getJson("/search/episode.json");
  await client.getJson("/search/episode.json");

  assert.equal(requests[0]!.headers.get("cookie"), null);
  assert.equal(requests[1]!.headers.get("cookie"), "JSESSIONID=node01abc");
});

Deno.test("OpencastClient sends Basic credentials preemptively when asked to", async () => {
  const { client, requests } = setup(() => json(OK_BODY), { auth: "basic" });

  await client.getJson("/search/episode.json");

  assert.equal(requests.length, 1);
  assert.equal(
    requests[0]!.headers.get("authorization"),
    `Basic ${btoa(`${USER}:${PASSWORD}`)}`,
  );
});

/**
 * Asserts that a search through `client` fails with an AuthenticationError
 * whose one line names the user and host, then says `ending`.
 */
async function assertRefused(client: OpencastClient, ending: string) {
  const error = await rejection(client.getJson("/search/episode.json"));
  assert.ok(error instanceof AuthenticationError);
  assert.equal(
    error.message,
    `Authentication failed for user ${USER} at host engage.example.edu ${ending}`,
  );
}

Deno.test("OpencastClient throws AuthenticationError when Basic credentials are refused", async () => {
  const digest = new FakeDigest({ user: USER, password: PASSWORD });
  const { client, requests } = setup(
    (request) => digest.check(request) ?? json(OK_BODY),
    { auth: "basic" },
  );

  // A Digest-only server refusing Basic: a wrong --auth, not a wrong password.
  await assertRefused(
    client,
    "with --auth basic, but the server asks for Digest: set --auth digest (OPENCAST_AUTH=digest)",
  );
  assert.equal(requests.length, 1);
});

Deno.test("OpencastClient names the other scheme when a Basic-only server refuses Digest", async () => {
  const { client, requests } = setup(() =>
    new Response("unauthorized", {
      status: 401,
      headers: { "www-authenticate": 'Basic realm="Opencast"' },
    })
  );

  await assertRefused(
    client,
    "with --auth digest, but the server asks for Basic: set --auth basic (OPENCAST_AUTH=basic)",
  );
  assert.equal(requests.length, 1);
});

Deno.test("OpencastClient suggests the other scheme too when a server offering both refuses Basic", async () => {
  const { client } = setup(() =>
    new Response("unauthorized", {
      status: 401,
      headers: {
        "www-authenticate":
          'Digest realm="Opencast", nonce="bm9uY2U=", qop="auth", Basic realm="Opencast"',
      },
    }), { auth: "basic" });

  await assertRefused(
    client,
    "with --auth basic: check the Opencast user and password, or try --auth digest (OPENCAST_AUTH=digest)",
  );
});

Deno.test("OpencastClient sends no auth headers and asks for credentials when none are configured", async () => {
  const digest = new FakeDigest({ user: USER, password: PASSWORD });
  const { client, requests } = setup(
    (request) => digest.check(request) ?? json(OK_BODY),
    { user: undefined, password: undefined },
  );

  const error = await rejection(client.getJson("/usertracking/actions.json"));

  assert.ok(error instanceof AuthenticationError);
  assert.match(error.message, /set the Opencast user and password/);
  assert.equal(requests[0]!.headers.get("x-requested-auth"), null);
  assert.equal(
    requests[0]!.headers.get("x-opencast-matterhorn-authorization"),
    null,
  );
});

Deno.test("OpencastClient maps a redirect to the login page to AuthenticationError", async () => {
  const { client } = setup(() =>
    new Response(null, {
      status: 302,
      headers: { location: "http://engage.example.edu/login.html" },
    })
  );

  const error = await rejection(client.getJson("/usertracking/actions.json"));

  assert.ok(error instanceof AuthenticationError);
  assert.match(error.message, /login page/);
});

Deno.test("OpencastClient tells that a redirect to another host's single sign-on needs an account the API accepts, not a host setting", async () => {
  for (
    const location of [
      "https://idp.example.edu/idp/profile/SAML2/Redirect/SSO?SAMLRequest=abc",
      "https://login.microsoftonline.com/tenant/oauth2/authorize?client_id=x",
      "https://cas.example.edu/cas/login?service=https%3A%2F%2Fengage",
    ]
  ) {
    const { client } = setup(() =>
      new Response(null, { status: 302, headers: { location } })
    );
    const error = await rejection(
      client.getJson("/usertracking/actions.json"),
    );
    assert.ok(error instanceof AuthenticationError, location);
    assert.match(
      error.message,
      /sent \/usertracking\/actions\.json to a single sign-on login at [a-z.]+ \(HTTP 302\): the harvester cannot sign in through a login page; use an Opencast account the API accepts directly/,
    );
    assert.doesNotMatch(error.message, /SAMLRequest|client_id|service=/);
    assert.doesNotMatch(
      error.message,
      /set the host to the URL it redirects to/,
    );
  }
});

Deno.test("OpencastClient retries a 503 and then succeeds", async () => {
  const { client, requests, delays } = setup((_request, index) =>
    index === 0 ? new Response("down", { status: 503 }) : json(OK_BODY)
  );

  assert.deepEqual(await client.getJson("/search/episode.json"), OK_BODY);

  assert.equal(requests.length, 2);
  // Full jitter with random() = 0.5 over the 500 ms first ceiling.
  assert.deepEqual(delays, [250]);
  assert.deepEqual(client.stats, {
    requests: 2,
    retries: 1,
    authChallenges: 0,
  });
});

Deno.test("OpencastClient waits as long as Retry-After says, capped by maxBackoffMs", async () => {
  const { client, delays } = setup(
    (_request, index) =>
      index < 2
        ? new Response("busy", {
          status: 429,
          headers: { "retry-after": index === 0 ? "3" : "120" },
        })
        : json(OK_BODY),
    { maxBackoffMs: 10_000 },
  );

  await client.getJson("/search/episode.json");

  assert.deepEqual(delays, [3000, 10_000]);
});

Deno.test("OpencastClient retries a request that timed out", async () => {
  const { client, requests } = setup(
    (request, index) =>
      index === 0
        ? new Promise<Response>((_resolve, reject) => {
          request.signal!.addEventListener(
            "abort",
            () => reject(request.signal!.reason),
          );
        })
        : json(OK_BODY),
    { timeoutMs: 20 },
  );

  assert.deepEqual(await client.getJson("/search/episode.json"), OK_BODY);

  assert.equal(requests.length, 2);
  assert.equal(client.stats.retries, 1);
});

Deno.test("OpencastClient gives up after maxAttempts with UnreachableError naming host, endpoint and status", async () => {
  const { client, requests, delays } = setup(
    () => new Response("down", { status: 503 }),
    { maxAttempts: 3 },
  );

  const error = await rejection(client.getJson("/usertracking/actions.json"));

  assert.ok(error instanceof UnreachableError);
  assert.equal(
    error.message,
    "Opencast engage host engage.example.edu did not answer /usertracking/actions.json after 3 attempts: last HTTP 503",
  );
  assert.equal(requests.length, 3);
  assert.deepEqual(delays, [250, 500]);
});

Deno.test("OpencastClient reports the last network error once retries run out", async () => {
  const { client } = setup(() => {
    throw new TypeError("error sending request: Connection refused");
  }, { maxAttempts: 2 });

  const error = await rejection(client.getJson("/search/episode.json"));

  assert.ok(error instanceof UnreachableError);
  assert.match(error.message, /network error: .*Connection refused/);
});

Deno.test("OpencastClient retry warnings name the cause: the status, the refused connection", async () => {
  const failures: (() => Response)[] = [
    () => new Response("down", { status: 503 }),
    () => {
      throw new TypeError("error sending request", {
        cause: new Error(
          "tcp connect error: Connection refused (os error 111)",
        ),
      });
    },
  ];
  const { client } = setup((_request, index) => {
    const fail = failures[index];
    return fail ? fail() : json(OK_BODY);
  }, { maxAttempts: 3 });

  const [, records] = await captureLogs(() =>
    client.getJson("/usertracking/actions.json")
  );

  assert.deepEqual(records.map(logLine), [
    "Opencast /usertracking/actions.json failed (HTTP 503), retrying in 250 ms (attempt 1 of 3)",
    "Opencast /usertracking/actions.json failed (network error: connection refused (tcp connect error: Connection refused (os error 111))), retrying in 500 ms (attempt 2 of 3)",
  ]);
});

Deno.test("OpencastClient retry warning names a timeout as such", async () => {
  let calls = 0;
  const { client } = setup((request) => {
    if (calls++ > 0) return json(OK_BODY);
    // Never answers: the attempt's own timeout ends it.
    return new Promise<Response>((_resolve, reject) =>
      request.signal!.addEventListener(
        "abort",
        () => reject(request.signal!.reason),
      )
    );
  }, { maxAttempts: 2, timeoutMs: 20 });

  const [, records] = await captureLogs(() =>
    client.getJson("/usertracking/actions.json")
  );

  assert.equal(records.length, 1);
  assert.match(
    logLine(records[0]!),
    /failed \(timeout after 20 ms\), retrying/,
  );
});

Deno.test("OpencastClient maps 404 to EndpointNotFoundError asking about the node", async () => {
  const { client, requests } = setup(() =>
    new Response("not found", { status: 404 })
  );

  const error = await rejection(client.getJson("/usertracking/actions.json"));

  assert.ok(error instanceof EndpointNotFoundError);
  assert.ok(error instanceof ApiContractError);
  assert.equal(
    error.message,
    "Endpoint /usertracking/actions.json not found at host engage.example.edu: is it an engage node?",
  );
  assert.equal(requests.length, 1);
});

Deno.test("OpencastClient maps a body that is not JSON to ApiContractError quoting its start", async () => {
  const { client } = setup(() =>
    new Response("<!DOCTYPE html>\n<html><head><title>Login</title>", {
      status: 200,
    })
  );

  const error = await rejection(client.getJson("/search/episode.json"));

  assert.ok(error instanceof ApiContractError);
  assert.match(error.message, /\/search\/episode\.json/);
  assert.match(error.message, /"<!DOCTYPE html> <html><head>/);
});

Deno.test("OpencastClient does not retry a 400", async () => {
  const { client, requests } = setup(() =>
    new Response("Invalid sort parameter", { status: 400 })
  );

  const error = await rejection(client.getJson("/search/episode.json"));

  assert.ok(error instanceof ApiContractError);
  assert.match(error.message, /HTTP 400 .*Invalid sort parameter/);
  assert.equal(requests.length, 1);
});

Deno.test("OpencastClient stops waiting when its signal aborts", async () => {
  const controller = new AbortController();
  const reason = new Error("interrupted");
  const { client } = setup(() => new Response("down", { status: 503 }), {
    signal: controller.signal,
    sleep: () => {
      controller.abort(reason);
      return Promise.reject(controller.signal.reason);
    },
  });

  await assert.rejects(client.getJson("/search/episode.json"), reason);
});

Deno.test("OpencastClient builds the URL under the path prefix with repeated and skipped parameters", async () => {
  const { client, requests } = setup(() => json(OK_BODY), {
    host: "https://oc.example.edu:8443/opencast",
  });

  await client.getJson("/workflow/instances.json", {
    state: ["SUCCEEDED", "-FAILED"],
    mp: "mp 1",
    skipped: undefined,
    count: 20,
    includeDeleted: true,
  });

  assert.equal(
    requests[0]!.url.href,
    "https://oc.example.edu:8443/opencast/workflow/instances.json?state=SUCCEEDED&state=-FAILED&mp=mp+1&count=20&includeDeleted=true",
  );
});

Deno.test("OpencastClient rejects a user without a password before any request", () => {
  assert.throws(
    () => new OpencastClient({ host: "engage.example.edu", user: USER }),
    ConfigError,
  );
  assert.throws(
    () => new OpencastClient({ host: "engage.example.edu", maxAttempts: 0 }),
    ConfigError,
  );
});

Deno.test("OpencastClient never puts the password in an error message", async () => {
  const digest = new FakeDigest({ user: USER, password: "another" });
  const scenarios: Array<[FakeHandler, Partial<OpencastClientOptions>]> = [
    [(request) => digest.check(request) ?? json(OK_BODY), {}],
    [(request) => digest.check(request) ?? json(OK_BODY), { auth: "basic" }],
    [() => new Response("unauthorized", { status: 401 }), {}],
    [() => new Response("forbidden", { status: 403 }), { auth: "basic" }],
    [
      () =>
        new Response(null, {
          status: 302,
          headers: { location: "/login.html" },
        }),
      {},
    ],
    [() => new Response("down", { status: 503 }), { maxAttempts: 2 }],
    [() => new Response("nope", { status: 404 }), {}],
    [() => new Response("<html>", { status: 200 }), {}],
  ];
  const basic = btoa(`${USER}:${PASSWORD}`);
  for (const [handler, options] of scenarios) {
    const { client } = setup(handler, options);
    const error = await rejection(client.getJson("/search/episode.json"));
    assert.ok(!error.message.includes(PASSWORD), error.message);
    assert.ok(!error.message.includes(basic), error.message);
  }
  assert.throws(
    () =>
      new OpencastClient({
        host: `http://${USER}:${PASSWORD}@engage.example.edu`,
      }),
    (error: Error) =>
      error instanceof ConfigError && !error.message.includes(PASSWORD),
  );
});

Deno.test("OpencastClient authenticates against a loopback server with the real fetch", async () => {
  const digest = new FakeDigest({ user: USER, password: PASSWORD });
  await using server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => {
      const denied = digest.check({
        url: new URL(request.url),
        headers: request.headers,
        signal: null,
      });
      return denied ?? json(OK_BODY, {
        headers: { "set-cookie": "JSESSIONID=loop; Path=/" },
      });
    },
  );
  const client = new OpencastClient({
    host: `127.0.0.1:${server.addr.port}`,
    user: USER,
    password: PASSWORD,
  });

  assert.deepEqual(await client.getJson("/usertracking/actions.json"), OK_BODY);
  assert.deepEqual(await client.getJson("/usertracking/actions.json"), OK_BODY);

  assert.deepEqual(digest.acceptedNc, [1, 2]);
  assert.equal(client.stats.requests, 3);
});

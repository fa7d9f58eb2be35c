/**
 * MatomoClient against the Matomo simulator over loopback HTTP (the wire as
 * Matomo speaks it), and against fetch stubs for what a simulator does not
 * do (redirects, HTML, a dead port, an injected HTTP client).
 */
import assert from "node:assert/strict";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  EXIT_CODES,
  UnreachableError,
} from "../../../src/errors.ts";
import {
  MatomoClient,
  type MatomoClientOptions,
  type MatomoFetch,
} from "../../../src/source/matomo/matomo_client.ts";
import { VisitorLogDisabledError } from "../../../src/source/matomo/visitor_log_disabled_error.ts";
import type { MatomoSimulatorOptions } from "../../../src/simulate/start_matomo_simulator.ts";
import { matomoSimulator } from "../../support/simulator.ts";
import { captureLogs, logLine } from "../../support/capture_logs.ts";

const SPAN_END = Temporal.Instant.from("2024-11-04T12:00:00Z");
const TOKEN = "3f1c0ffee0ddba11deadbeef00c0ffee";

function simulator(options: MatomoSimulatorOptions = {}) {
  return matomoSimulator({
    spanEnd: SPAN_END,
    tokenAuth: TOKEN,
    actions: 300,
    ...options,
  });
}

function client(options: Partial<MatomoClientOptions> & { url: string }) {
  return new MatomoClient({
    tokenAuth: TOKEN,
    sleep: () => Promise.resolve(),
    random: () => 0.5,
    ...options,
  });
}

/** A fetch that answers every request with `respond`, and remembers the requests. */
function stubFetch(respond: (n: number) => Response | Promise<Response>) {
  const requests: { url: URL; init: Parameters<MatomoFetch>[1] }[] = [];
  const fetch: MatomoFetch = (url, init) => {
    requests.push({ url, init });
    return Promise.resolve(respond(requests.length));
  };
  return { fetch, requests };
}

Deno.test("MatomoClient reads the version, the site, its dimensions and a page of visits, the token in the POST body only", async () => {
  await using sim = await simulator({ timezone: "America/Chicago" });
  const matomo = client({ url: `${sim.url}/` });
  assert.equal(await matomo.matomoVersion(), "5.3.2");
  const site = await matomo.site(1);
  assert.equal(site.timezone, "America/Chicago");
  assert.deepEqual(await matomo.customDimensions(1), [
    { id: 1, name: "Video ID", scope: "action", active: true },
    { id: 2, name: "Series ID", scope: "action", active: true },
    { id: 3, name: "Video ID (visit)", scope: "visit", active: true },
  ]);
  const pivot =
    [...sim.visits()].sort((a, b) =>
      a.lastActionSeconds - b.lastActionSeconds
    )[5]!.lastActionSeconds;
  const visits = await matomo.lastVisits({
    idSite: 1,
    minTimestamp: pivot,
    limit: 7,
  });
  assert.equal(visits.length, 7);
  assert.ok(visits.every((v) => v.lastActionTimestamp > pivot));
  assert.deepEqual(
    visits.map((v) => v.lastActionTimestamp),
    visits.map((v) => v.lastActionTimestamp).sort((a, b) => a - b),
  );
  assert.equal(typeof visits[0]!.idVisit, "number");
  assert.equal(typeof visits[0]!.actions[0]!.pageId, "number");
  const stats = sim.stats();
  assert.equal(stats.tokenInUrl, 0);
  assert.equal(stats.unlimitedRequests, 0);
  assert.equal(stats.requests, 4);
  assert.deepEqual(sim.requestLog().at(-1), {
    module: "API",
    method: "Live.getLastVisitsDetails",
    format: "JSON",
    idSite: "1",
    minTimestamp: String(pivot),
    filter_limit: "7",
    filter_offset: "0",
    filter_sort_order: "asc",
  });
  assert.equal(matomo.stats.requests, 4);
});

Deno.test("MatomoClient: a wrong token is one request and an AuthenticationError naming MATOMO_TOKEN_AUTH, never the token", async () => {
  await using sim = await simulator();
  const wrong = "wrong-token-0123456789";
  const matomo = client({ url: sim.url, tokenAuth: wrong });
  const [error, logs] = await captureLogs(() =>
    matomo.site(1).then(() => undefined, (error) => error)
  );
  assert.ok(error instanceof AuthenticationError, String(error));
  assert.equal(error.exitCode, EXIT_CODES.authentication);
  assert.match(error.message, /refused the token.*MATOMO_TOKEN_AUTH/);
  assert.ok(!error.message.includes(wrong));
  assert.equal(sim.stats().authFailures, 1);
  assert.equal(matomo.stats.requests, 1);
  assert.ok(logs.every((record) => !logLine(record).includes(wrong)));
});

Deno.test("MatomoClient: no view access to the site names MATOMO_SITE_ID and the token", async () => {
  await using sim = await simulator();
  const error = await client({ url: sim.url }).site(9).catch((e) => e);
  assert.ok(error instanceof AuthenticationError, String(error));
  assert.match(error.message, /MATOMO_SITE_ID/);
  assert.match(error.message, /MATOMO_TOKEN_AUTH/);
  assert.equal(sim.stats().requests, 1);
});

Deno.test("MatomoClient: a switched-off visits log names Matomo's setting and where it is", async () => {
  for (
    const [setting, where] of [
      ["disabled-globally", /general settings/],
      ["disabled-for-site", /website's settings/],
    ] as const
  ) {
    await using sim = await simulator({ visitorLog: setting });
    const error = await client({ url: sim.url })
      .lastVisits({ idSite: 1, limit: 10 }).catch((e) => e);
    assert.ok(error instanceof VisitorLogDisabledError, String(error));
    assert.equal(error.exitCode, EXIT_CODES.apiContract);
    assert.match(
      error.message,
      /Disable visits log & visitor profile" \(disable_visitor_log\)/,
    );
    assert.match(error.message, where);
    assert.equal(sim.stats().requests, 1);
  }
});

Deno.test("MatomoClient retries 503s through the retry module and then succeeds", async () => {
  await using sim = await simulator();
  sim.failNext(2, 503);
  const matomo = client({ url: sim.url });
  const [version, logs] = await captureLogs(() => matomo.matomoVersion());
  assert.equal(version, "5.3.2");
  assert.deepEqual(matomo.stats, { requests: 3, retries: 2 });
  const warnings = logs.filter((r) => r.level === "warning").map(logLine);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /API\.getMatomoVersion failed with 503/);
  assert.ok(warnings.every((line) => !line.includes(TOKEN)));
});

Deno.test("MatomoClient: an unreachable Matomo is an UnreachableError after every attempt, like an unreachable Opencast", async () => {
  const listener = Deno.listen({ port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const matomo = client({ url: `http://127.0.0.1:${port}`, maxAttempts: 3 });
  const error = await matomo.matomoVersion().catch((e) => e);
  assert.ok(error instanceof UnreachableError, String(error));
  assert.equal(error.exitCode, EXIT_CODES.unreachable);
  assert.match(
    error.message,
    new RegExp(
      `^Matomo at 127\\.0\\.0\\.1:${port} did not answer API\\.getMatomoVersion after 3 attempts: last network error: connection refused`,
    ),
  );
  assert.deepEqual(matomo.stats, { requests: 3, retries: 2 });
});

Deno.test("MatomoClient retry warnings name a network failure's cause, as Opencast's do", async () => {
  const listener = Deno.listen({ port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const matomo = client({ url: `http://127.0.0.1:${port}`, maxAttempts: 2 });
  const [error, logs] = await captureLogs(() =>
    matomo.matomoVersion().catch((e) => e)
  );
  assert.ok(error instanceof UnreachableError, String(error));
  const warnings = logs.filter((r) => r.level === "warning").map(logLine);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0]!,
    /^Matomo API\.getMatomoVersion failed with network error: connection refused \(.*\), retrying in \d+ ms \(attempt 1 of 2\)$/,
  );
});

Deno.test("MatomoClient: an answer that is not the expected JSON is one ApiContractError line", async () => {
  const html = stubFetch(() =>
    new Response("<!DOCTYPE html><html><title>Sign in</title></html>", {
      headers: { "content-type": "text/html" },
    })
  );
  const error = await client({
    url: "https://matomo.example.edu",
    fetch: html.fetch,
  })
    .matomoVersion().catch((e) => e);
  assert.ok(error instanceof ApiContractError, String(error));
  assert.match(
    error.message,
    /^Matomo at matomo\.example\.edu answered API\.getMatomoVersion with something that is not JSON: "<!DOCTYPE html>/,
  );
  assert.ok(!error.message.includes("\n"));
  assert.equal(html.requests.length, 1);
  const shape = stubFetch(() => Response.json({ visits: [] }));
  const wrongShape = await client({
    url: "https://matomo.example.edu",
    fetch: shape.fetch,
  })
    .lastVisits({ idSite: 1, limit: 10 }).catch((e) => e);
  assert.ok(wrongShape instanceof ApiContractError, String(wrongShape));
  assert.match(wrongShape.message, /not a list of visits/);
  const badId = stubFetch(() =>
    Response.json([{
      idVisit: "12",
      firstActionTimestamp: 1,
      lastActionTimestamp: 2,
      actionDetails: [{ type: "action", pageId: "x1", timestamp: 5 }],
    }])
  );
  const badIdError = await client({
    url: "https://matomo.example.edu",
    fetch: badId.fetch,
  })
    .lastVisits({ idSite: 1, limit: 10 }).catch((e) => e);
  assert.match(
    badIdError.message,
    /visit 12 action 0 pageId that is not a whole number: "x1"/,
  );
});

Deno.test("MatomoClient: Matomo's own errors (an unknown method) are one ApiContractError line with its message", async () => {
  await using sim = await simulator();
  const error = await client({ url: sim.url }).call("Live.getEverything", {})
    .catch((e) => e);
  assert.ok(error instanceof ApiContractError, String(error));
  assert.match(
    error.message,
    /answered Live\.getEverything with an error: "The method 'getEverything' does not exist/,
  );
  assert.equal(sim.stats().requests, 1);
});

Deno.test("MatomoClient: a redirect is reported with MATOMO_URL, not followed with the token", async () => {
  const redirect = stubFetch(() =>
    new Response(null, {
      status: 301,
      headers: { location: "https://matomo.example.edu/index.php" },
    })
  );
  const error = await client({
    url: "http://matomo.example.edu",
    fetch: redirect.fetch,
  })
    .matomoVersion().catch((e) => e);
  assert.ok(error instanceof ApiContractError, String(error));
  assert.match(
    error.message,
    /redirects API\.getMatomoVersion to https:\/\/matomo\.example\.edu\/index\.php: set MATOMO_URL/,
  );
  assert.equal(redirect.requests[0]!.init.redirect, "manual");
});

Deno.test("MatomoClient POSTs a form to index.php with no token in the URL, and hands an injected Deno.HttpClient to fetch", async () => {
  const httpClient = Deno.createHttpClient({});
  try {
    const ok = stubFetch(() => Response.json({ value: "5.1.0" }));
    const matomo = client({
      url: "https://example.edu/analytics/",
      fetch: ok.fetch,
      httpClient,
    });
    await matomo.matomoVersion();
    const { url, init } = ok.requests[0]!;
    assert.equal(url.href, "https://example.edu/analytics/index.php");
    assert.equal(init.method, "POST");
    assert.equal(init.client, httpClient);
    const body = new URLSearchParams(String(init.body));
    assert.equal(body.get("token_auth"), TOKEN);
    assert.equal(body.get("format"), "JSON");
    assert.equal(body.get("module"), "API");
    assert.ok(!url.href.includes("token"));
  } finally {
    httpClient.close();
  }
});

Deno.test("MatomoClient: a 401 without Matomo's JSON (a proxy) is still an AuthenticationError, not retried", async () => {
  const proxy = stubFetch(() => new Response("Unauthorized", { status: 401 }));
  const error = await client({
    url: "https://matomo.example.edu",
    fetch: proxy.fetch,
  })
    .matomoVersion().catch((e) => e);
  assert.ok(error instanceof AuthenticationError, String(error));
  assert.equal(proxy.requests.length, 1);
});

Deno.test("MatomoClient never asks for every visit at once, and checks its settings", async () => {
  const ok = stubFetch(() => Response.json([]));
  const matomo = client({ url: "https://matomo.example.edu", fetch: ok.fetch });
  for (const limit of [-1, 0, 2.5]) {
    await assert.rejects(matomo.lastVisits({ idSite: 1, limit }), RangeError);
  }
  assert.equal(ok.requests.length, 0);
  assert.throws(
    () => client({ url: "https://m.example.edu", tokenAuth: " " }),
    ConfigError,
  );
  assert.throws(() => client({ url: "ftp://m.example.edu" }), ConfigError);
  assert.throws(
    () => client({ url: "https://m.example.edu", maxAttempts: 0 }),
    ConfigError,
  );
});

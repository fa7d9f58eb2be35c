import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  digestAuthorization,
  type DigestChallenge,
  parseDigestChallenge,
} from "../../src/opencast/digest.ts";
import { simulator } from "../support/simulator.ts";

const SPAN_END = Temporal.Instant.from("2016-10-21T18:05:00Z");
const PATH = "/usertracking/actions.json?limit=1";

/** GETs PATH from `sim` with these headers; the body is dropped. */
async function send(
  sim: { readonly url: string },
  headers: HeadersInit,
): Promise<Response> {
  const response = await fetch(sim.url + PATH, { headers });
  await response.body?.cancel();
  return response;
}
const DIGEST = { "x-requested-auth": "Digest" };

async function challengeOf(url: string): Promise<DigestChallenge> {
  const response = await fetch(url, { headers: DIGEST });
  await response.body?.cancel();
  assert.equal(response.status, 401);
  const challenge = parseDigestChallenge(
    response.headers.get("www-authenticate"),
  );
  assert.ok(challenge);
  return challenge;
}

function authorize(
  challenge: DigestChallenge,
  password: string,
  nc = 1,
  uri = PATH,
): HeadersInit {
  return {
    ...DIGEST,
    authorization: digestAuthorization({
      challenge,
      username: "opencast_system_account",
      password,
      method: "GET",
      uri,
      cnonce: "0a4f113b",
      nc,
    }),
  };
}

/** A nonce in Spring's format, expiring at `expiry` (epoch ms). */
function springNonce(expiry: number): string {
  const signature = createHash("md5").update(`${expiry}:opencast`).digest(
    "hex",
  );
  return btoa(`${expiry}:${signature}`);
}

async function start() {
  return await simulator({
    spanEnd: SPAN_END,
    user: "opencast_system_account",
    password: "CHANGE_ME",
  });
}

Deno.test("startSimulator() with credentials redirects to the login page without X-Requested-Auth", async () => {
  await using sim = await start();
  const response = await fetch(sim.url + PATH, { redirect: "manual" });
  await response.body?.cancel();
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("location"), `${sim.url}/login.html`);
  assert.equal(sim.stats().unauthorized, 1);
});

Deno.test("startSimulator() challenges with Spring's Digest header and nonce format", async () => {
  await using sim = await start();
  const response = await fetch(sim.url + PATH, { headers: DIGEST });
  await response.body?.cancel();
  assert.equal(response.status, 401);
  const header = response.headers.get("www-authenticate")!;
  assert.match(
    header,
    /^Digest realm="Opencast", qop="auth", nonce="[A-Za-z0-9+/=]+"$/,
  );
  const challenge = parseDigestChallenge(header)!;
  assert.equal(challenge.realm, "Opencast");
  assert.equal(challenge.qop, "auth");
  assert.equal(challenge.stale, false);
  const [expiry, signature] = atob(challenge.nonce).split(":");
  assert.ok(Number(expiry) > Date.now());
  assert.equal(
    signature,
    createHash("md5").update(`${expiry}:opencast`).digest("hex"),
  );
});

Deno.test("startSimulator() accepts a correct Digest response and reuses of its nonce", async () => {
  await using sim = await start();
  const challenge = await challengeOf(sim.url + PATH);
  for (const nc of [1, 2, 7]) {
    const response = await fetch(sim.url + PATH, {
      headers: authorize(challenge, "CHANGE_ME", nc),
    });
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.actions.total, "1000");
  }
  const other = "/search/episode.json?limit=1";
  const search = await fetch(sim.url + other, {
    headers: authorize(challenge, "CHANGE_ME", 8, other),
  });
  await search.body?.cancel();
  assert.equal(search.status, 200);
  assert.equal(sim.stats().unauthorized, 1);
});

Deno.test("startSimulator() answers a wrong password with a fresh, non-stale challenge", async () => {
  await using sim = await start();
  const challenge = await challengeOf(sim.url + PATH);
  const response = await send(sim, authorize(challenge, "wrong"));
  assert.equal(response.status, 401);
  const again = parseDigestChallenge(response.headers.get("www-authenticate"))!;
  assert.equal(again.stale, false);
  assert.equal(sim.stats().unauthorized, 2);
});

Deno.test("startSimulator() marks an expired nonce stale only when the credentials are right", async () => {
  await using sim = await start();
  const expired: DigestChallenge = {
    realm: "Opencast",
    nonce: springNonce(Date.now() - 1000),
    qop: "auth",
    algorithm: "MD5",
    stale: false,
  };
  const right = await send(sim, authorize(expired, "CHANGE_ME"));
  assert.equal(right.status, 401);
  const stale = parseDigestChallenge(right.headers.get("www-authenticate"))!;
  assert.equal(stale.stale, true);
  assert.notEqual(stale.nonce, expired.nonce);
  const retried = await send(sim, authorize(stale, "CHANGE_ME"));
  assert.equal(retried.status, 200);

  const wrong = await send(sim, authorize(expired, "wrong"));
  assert.equal(wrong.status, 401);
  assert.equal(
    parseDigestChallenge(wrong.headers.get("www-authenticate"))!.stale,
    false,
  );

  const forged = { ...expired, nonce: btoa(`${Date.now() + 60_000}:00ff`) };
  const bad = await send(sim, authorize(forged, "CHANGE_ME"));
  assert.equal(bad.status, 401);
  assert.equal(
    parseDigestChallenge(bad.headers.get("www-authenticate"))!.stale,
    false,
  );
});

Deno.test("startSimulator() keeps the admin endpoints open when auth is on", async () => {
  await using sim = await start();
  const response = await fetch(`${sim.url}/_sim/stats`);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).requests, 0);
});

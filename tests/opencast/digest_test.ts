import assert from "node:assert/strict";
import {
  digestAuthorization,
  type DigestChallenge,
  digestResponse,
  parseAuthParams,
  parseDigestChallenge,
} from "../../src/opencast/digest.ts";

// RFC 7616 §3.9.1.
const RFC_INPUT = {
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  nc: 1,
};
const RFC_CHALLENGE = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;

Deno.test("digestResponse() matches the RFC 7616 MD5 example", () => {
  const challenge = parseDigestChallenge(RFC_CHALLENGE("MD5"))!;
  assert.equal(
    digestResponse({ ...RFC_INPUT, challenge }),
    "8ca523f5e9506fed4657c9700eebdbec",
  );
});

Deno.test("digestResponse() matches the RFC 7616 SHA-256 example", () => {
  const challenge = parseDigestChallenge(RFC_CHALLENGE("SHA-256"))!;
  assert.equal(
    digestResponse({ ...RFC_INPUT, challenge }),
    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
  );
});

Deno.test("digestAuthorization() carries every field the RFC example sends", () => {
  const challenge = parseDigestChallenge(RFC_CHALLENGE("MD5"))!;
  const params = parseAuthParams(
    digestAuthorization({ ...RFC_INPUT, challenge }).slice("Digest ".length),
  );
  assert.deepEqual(Object.fromEntries(params), {
    username: "Mufasa",
    realm: "http-auth@example.org",
    nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    uri: "/dir/index.html",
    algorithm: "MD5",
    response: "8ca523f5e9506fed4657c9700eebdbec",
    qop: "auth",
    nc: "00000001",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  });
});

Deno.test("parseDigestChallenge() reads Opencast's challenge and its stale flag", () => {
  const expected: DigestChallenge = {
    realm: "Opencast",
    nonce: "MTQ3NzA3MTAwMDAwMDphYmM=",
    qop: "auth",
    algorithm: "MD5",
    opaque: undefined,
    stale: true,
  };
  assert.deepEqual(
    parseDigestChallenge(
      'Digest realm="Opencast", qop="auth", nonce="MTQ3NzA3MTAwMDAwMDphYmM=", stale="true"',
    ),
    expected,
  );
});

Deno.test("parseDigestChallenge() keeps each challenge's parameters apart when several are offered", () => {
  const challenge = parseDigestChallenge(
    'Basic realm="basic", Digest realm="x", nonce="a", algorithm=SHA-512-256, qop="auth", Digest realm="x", nonce="b", qop="auth", Basic realm="other"',
  );
  assert.equal(challenge?.realm, "x");
  assert.equal(challenge?.nonce, "b");
  assert.equal(challenge?.algorithm, "MD5");
});

Deno.test("parseDigestChallenge() returns null without a usable Digest challenge", () => {
  assert.equal(parseDigestChallenge(null), null);
  assert.equal(parseDigestChallenge('Basic realm="Opencast"'), null);
  assert.equal(
    parseDigestChallenge('Digest realm="x", nonce="n", qop="auth-int"'),
    null,
  );
});

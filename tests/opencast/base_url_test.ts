import assert from "node:assert/strict";
import { ConfigError } from "../../src/errors.ts";
import { opencastBaseUrl } from "../../src/opencast/base_url.ts";

Deno.test("opencastBaseUrl() puts http:// in front of a bare host", () => {
  assert.equal(
    opencastBaseUrl("matterhorn.example.edu").href,
    "http://matterhorn.example.edu/",
  );
  assert.equal(opencastBaseUrl(" host:8080 ").href, "http://host:8080/");
});

Deno.test("opencastBaseUrl() keeps an http(s) URL and its path prefix", () => {
  assert.equal(
    opencastBaseUrl("https://oc.example.edu:8443/opencast").href,
    "https://oc.example.edu:8443/opencast/",
  );
  assert.equal(
    opencastBaseUrl("HTTP://oc.example.edu/").href,
    "http://oc.example.edu/",
  );
});

Deno.test("opencastBaseUrl() rejects values that are not an Opencast host", () => {
  for (
    const value of [
      "",
      "ftp://oc.example.edu",
      "host:port",
      "http://",
      "oc.example.edu?x=1",
      "two words",
    ]
  ) {
    assert.throws(
      () => opencastBaseUrl(value, { setting: "MATTERHORN_ENGAGE_HOST" }),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message.startsWith("MATTERHORN_ENGAGE_HOST"),
      value,
    );
  }
});

Deno.test("opencastBaseUrl() rejects credentials without repeating them", () => {
  assert.throws(
    () => opencastBaseUrl("https://admin:hunter2@oc.example.edu"),
    (error: Error) =>
      error instanceof ConfigError && !error.message.includes("hunter2"),
  );
});

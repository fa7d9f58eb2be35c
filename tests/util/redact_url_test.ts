import assert from "node:assert/strict";
import { redactUrl } from "../../src/util/redact_url.ts";

Deno.test("redactUrl() removes the user information of a URL", () => {
  assert.equal(
    redactUrl("http://elastic:s3cret@es:9200/prefix"),
    "http://***@es:9200/prefix",
  );
  assert.equal(
    redactUrl("redis://:s3cret@cache:6379/0"),
    "redis://***@cache:6379/0",
  );
  assert.equal(
    redactUrl("rediss://ops:s3cret@cache:6380"),
    "rediss://***@cache:6380",
  );
});

Deno.test("redactUrl() removes it from text that does not parse as a URL", () => {
  assert.equal(
    redactUrl("http//elastic:s3cret@host:9200"),
    "http//***@host:9200",
  );
  assert.equal(redactUrl("http:/elastic:s3cret@host"), "http:/***@host");
  assert.equal(redactUrl("http:elastic:s3cret@host"), "***@host");
  assert.equal(redactUrl(":s3cret@cache:6379"), "***@cache:6379");
  assert.equal(redactUrl("elastic:s3cret@host:9200"), "***@host:9200");
});

Deno.test("redactUrl() hides all of a password holding @, /, ? or #", () => {
  assert.equal(redactUrl("redis://:a@b/c@cache"), "redis://***@cache");
  assert.equal(redactUrl("http://u:p/a?b#c@host"), "http://***@host");
});

Deno.test("redactUrl() leaves text without an @ alone", () => {
  assert.equal(
    redactUrl("redis://127.0.0.1:6379/2"),
    "redis://127.0.0.1:6379/2",
  );
  assert.equal(redactUrl("not a url"), "not a url");
});

import assert from "node:assert/strict";
import { describeFetchError } from "../../src/http/describe_fetch_error.ts";
import { freePort } from "../support/free_port.ts";

function fetchFailed(cause: string): TypeError {
  return new TypeError("fetch failed", { cause: new Error(cause) });
}

Deno.test("describeFetchError() names the cause Deno keeps behind 'fetch failed'", () => {
  const cases: [string, RegExp][] = [
    [
      "error sending request for url (http://127.0.0.1:9/): client error (Connect): tcp connect error: Connection refused (os error 111)",
      /^connection refused \(tcp connect error: Connection refused \(os error 111\)\)$/,
    ],
    [
      "error sending request for url (http://nope.invalid/): client error (Connect): dns error: failed to lookup address information: Name or service not known",
      /^DNS lookup failed \(dns error: failed to lookup address information: Name or service not known\)$/,
    ],
    [
      "error sending request for url (https://127.0.0.1:8443/): client error (Connect): invalid peer certificate: UnknownIssuer",
      /^TLS failed \(invalid peer certificate: UnknownIssuer\)$/,
    ],
    ["Connection reset by peer (os error 104)", /^connection reset \(/],
  ];
  for (const [cause, expected] of cases) {
    const text = describeFetchError(fetchFailed(cause));
    assert.match(text, expected);
    assert.doesNotMatch(text, /fetch failed|error sending request/);
  }
});

Deno.test("describeFetchError() on the real error of a refused connection", async () => {
  const port = freePort();
  const error = await fetch(`http://127.0.0.1:${port}/`).then(
    () => undefined,
    (e) => e,
  );
  assert.match(describeFetchError(error), /^connection refused \(/);
});

Deno.test("describeFetchError() keeps an unknown cause, cut to a readable length", () => {
  const text = describeFetchError(fetchFailed("x".repeat(10_000)));
  assert.ok(text.length < 250, `${text.length} chars`);
});

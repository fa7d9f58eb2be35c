import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors.ts";
import { matomoApiUrl } from "../../../src/source/matomo/matomo_base_url.ts";

Deno.test("matomoApiUrl() appends index.php to the base URL, path prefix included", () => {
  for (
    const [value, expected] of [
      ["https://matomo.example.edu", "https://matomo.example.edu/index.php"],
      ["https://matomo.example.edu/", "https://matomo.example.edu/index.php"],
      [
        " https://example.edu/analytics ",
        "https://example.edu/analytics/index.php",
      ],
      [
        "http://127.0.0.1:8080/matomo/index.php",
        "http://127.0.0.1:8080/matomo/index.php",
      ],
    ]
  ) {
    assert.equal(matomoApiUrl(value!).href, expected, value);
  }
});

Deno.test("matomoApiUrl() refuses what is not Matomo's base URL, never echoing credentials", () => {
  for (
    const [value, message] of [
      ["", /MATOMO_URL is empty/],
      ["matomo.example.edu", /is not a URL/],
      ["ftp://matomo.example.edu/", /scheme "ftp"/],
      ["https://matomo.example.edu/?module=API", /has a query or fragment/],
      ["https://user:hunter2@matomo.example.edu/", /contains credentials/],
    ] as const
  ) {
    assert.throws(
      () => matomoApiUrl(value),
      (error: Error) =>
        error instanceof ConfigError && message.test(error.message) &&
        !error.message.includes("hunter2"),
      value,
    );
  }
});

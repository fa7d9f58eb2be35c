import assert from "node:assert/strict";
import { describeWindow } from "../../src/harvest/describe_window.ts";

const START = Temporal.Instant.from("2024-03-01T15:00:00Z");
const END = Temporal.Instant.from("2024-03-01T15:05:30.750Z");

Deno.test("describeWindow() names the window once, in the server's zone and in UTC", () => {
  const table: [string, string][] = [
    [
      "America/New_York",
      "2024-03-01 10:00:00 to 2024-03-01 10:05:30 America/New_York " +
      "(2024-03-01T15:00:00Z to 2024-03-01T15:05:30Z)",
    ],
    [
      "+05:30",
      "2024-03-01 20:30:00 to 2024-03-01 20:35:30 +05:30 " +
      "(2024-03-01T15:00:00Z to 2024-03-01T15:05:30Z)",
    ],
    // UTC by any name: the UTC instants alone, "UTC" never twice.
    ["UTC", "2024-03-01T15:00:00Z to 2024-03-01T15:05:30Z"],
    ["Etc/UTC", "2024-03-01T15:00:00Z to 2024-03-01T15:05:30Z"],
    ["+00:00", "2024-03-01T15:00:00Z to 2024-03-01T15:05:30Z"],
  ];
  for (const [zone, expected] of table) {
    const text = describeWindow(START, END, zone);
    assert.equal(text, expected, zone);
    assert.ok((text.match(/UTC/g) ?? []).length <= 1, text);
  }
});

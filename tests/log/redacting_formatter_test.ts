import assert from "node:assert/strict";
import type { LogRecord } from "@logtape/logtape";
import { redactingFormatter } from "../../src/log/redacting_formatter.ts";

Deno.test("redactingFormatter() hides every secret wherever it appears", () => {
  const format = redactingFormatter(
    (r: LogRecord) => `${r.rawMessage} ${JSON.stringify(r.properties)}`,
    ["s3cr3t-pass", "tok", ""],
  );
  const line = format({
    category: ["x"],
    level: "error",
    message: ["failed with s3cr3t-pass"],
    rawMessage: "failed with s3cr3t-pass",
    timestamp: 0,
    properties: { url: "http://u:s3cr3t-pass@h", tok: "tok" },
  });
  assert.ok(!line.includes("s3cr3t-pass"));
  assert.equal(line.split("***").length - 1, 2);
  assert.ok(
    line.includes('"tok"'),
    "values shorter than 4 characters are not redacted",
  );
});

import assert from "node:assert/strict";
import { javaDouble, toGsonJson } from "../../src/simulate/_gson_json.ts";

Deno.test("javaDouble() prints like Java's Double.toString", () => {
  assert.equal(javaDouble(5318000), "5318000.0");
  assert.equal(javaDouble(20160112345), "2.0160112345E10");
  assert.equal(javaDouble(10_000_000), "1.0E7");
  assert.equal(javaDouble(9_999_999), "9999999.0");
  assert.equal(javaDouble(0), "0.0");
  assert.equal(javaDouble(-2), "-2.0");
  assert.equal(javaDouble(7.25), "7.25");
  assert.equal(javaDouble(0.001), "0.001");
  assert.equal(javaDouble(0.0001), "1.0E-4");
  assert.equal(javaDouble(1.5e-7), "1.5E-7");
});

Deno.test("toGsonJson() writes every number as a double and keeps the rest as JSON", () => {
  const text = toGsonJson({
    id: "a/b",
    duration: 5318000,
    series: 20160112345,
    live: false,
    tags: "",
    track: [{ size: 49701 }, { size: 1 }],
    missing: undefined,
  });
  assert.equal(
    text,
    '{"id":"a/b","duration":5318000.0,"series":2.0160112345E10,"live":false,"tags":"","track":[{"size":49701.0},{"size":1.0}]}',
  );
  assert.deepEqual(JSON.parse(text).series, 20160112345);
});

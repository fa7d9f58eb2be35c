import assert from "node:assert/strict";
import { asList, asNumber, asString } from "../../src/opencast/_jettison.ts";

Deno.test("asList() reads arrays, bare objects, missing keys and empty elements", () => {
  assert.deepEqual(asList([1, 2]), [1, 2]);
  assert.deepEqual(asList({ a: 1 }), [{ a: 1 }]);
  assert.deepEqual(asList("x"), ["x"]);
  assert.deepEqual(asList(undefined), []);
  assert.deepEqual(asList(""), []);
});

Deno.test("asNumber() reads numbers and numeric strings, nothing else", () => {
  assert.equal(asNumber(57), 57);
  assert.equal(asNumber("57"), 57);
  assert.equal(asNumber(5318000.0), 5318000);
  assert.equal(asNumber(""), undefined);
  assert.equal(asNumber("many"), undefined);
  assert.equal(asNumber(true), undefined);
});

Deno.test("asString() stringifies coerced ids and unwraps text with attributes", () => {
  assert.equal(asString(20160112345), "20160112345");
  assert.equal(asString(41288377), "41288377");
  assert.equal(asString(true), "true");
  assert.equal(asString({ type: "md5", $: "9f0c" }), "9f0c");
  assert.equal(asString(""), undefined);
  assert.equal(asString(undefined), undefined);
});

import assert from "node:assert/strict";
import {
  coerceText,
  element,
  jettisonValue,
  leaf,
  toJettisonJson,
} from "../../src/simulate/_jettison.ts";

Deno.test("toJettisonJson() emits one child as a bare object and two as an array", () => {
  const one = element("list", { total: 1 }, [
    element("item", undefined, [leaf("id", 7)]),
  ]);
  const two = element("list", { total: 2 }, [
    element("item", undefined, [leaf("id", 7)]),
    element("item", undefined, [leaf("id", 8)]),
  ]);
  assert.deepEqual(JSON.parse(toJettisonJson(one)), {
    list: { total: "1", item: { id: 7 } },
  });
  assert.deepEqual(JSON.parse(toJettisonJson(two)), {
    list: { total: "2", item: [{ id: 7 }, { id: 8 }] },
  });
});

Deno.test("toJettisonJson() drops the key of an empty list and writes an empty element as an empty string", () => {
  const root = element("list", { total: 0 }, [
    element("tags", undefined, []),
    leaf("missing", undefined),
    null,
    false,
  ]);
  assert.equal(toJettisonJson(root), '{"list":{"total":"0","tags":""}}');
});

Deno.test("toJettisonJson() keeps attributes as strings unless told to coerce them", () => {
  const root = element("r", { count: 20, ok: true, name: "x" }, []);
  assert.deepEqual(jettisonValue(root), { count: "20", ok: "true", name: "x" });
  assert.deepEqual(jettisonValue(root, { typing: "coerced" }), {
    count: 20,
    ok: true,
    name: "x",
  });
});

Deno.test("toJettisonJson() writes attributes plus text as a dollar key", () => {
  const root = element("configuration", { key: "publishLive" }, "true");
  assert.deepEqual(jettisonValue(root), { key: "publishLive", $: "true" });
});

Deno.test("coerceText() coerces only text that prints back the same", () => {
  assert.equal(coerceText("20160112345"), 20160112345);
  assert.equal(coerceText("41288377"), 41288377);
  assert.equal(coerceText("0"), 0);
  assert.equal(coerceText("-12"), -12);
  assert.equal(coerceText("0123"), "0123");
  assert.equal(coerceText("+5"), "+5");
  assert.equal(coerceText("7.25"), 7.25);
  assert.equal(coerceText("1.50"), "1.50");
  assert.equal(coerceText("true"), true);
  assert.equal(coerceText("True"), "True");
  assert.equal(coerceText("-omitted-"), "-omitted-");
  assert.equal(coerceText("12345678901234567890"), "12345678901234567890");
  assert.equal(
    coerceText("2016-10-21T14:03:27-04:00"),
    "2016-10-21T14:03:27-04:00",
  );
});

Deno.test("toJettisonJson() escapes slashes like Jettison 1.3.1 and still parses", () => {
  const root = element("a", undefined, [leaf("url", "http://x/y")]);
  const json = toJettisonJson(root);
  assert.equal(json, '{"a":{"url":"http:\\/\\/x\\/y"}}');
  assert.deepEqual(JSON.parse(json), { a: { url: "http://x/y" } });
  assert.equal(
    toJettisonJson(root, { escapeSlashes: false }),
    '{"a":{"url":"http://x/y"}}',
  );
});

import assert from "node:assert/strict";
import { splitSeries } from "../../src/util/split_series.ts";

Deno.test("splitSeries() splits a DCE series id into year, term and course number", () => {
  assert.deepEqual(splitSeries("20160112345"), {
    year: "2016",
    term: "01",
    crn: "12345",
  });
});

Deno.test("splitSeries() slices a short id like the original did, leaving empty parts", () => {
  assert.deepEqual(splitSeries("2016"), { year: "2016", term: "", crn: "" });
});

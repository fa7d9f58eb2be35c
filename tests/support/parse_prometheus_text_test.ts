import assert from "node:assert/strict";
import { parsePrometheusText } from "./parse_prometheus_text.ts";

Deno.test("parsePrometheusText() reads families, labels and values", () => {
  const families = parsePrometheusText(
    '# HELP a_total As.\n# TYPE a_total counter\na_total{command="harvest",x="q\\"uote"} 3\n\n' +
      "# TYPE b_seconds gauge\nb_seconds 1.5e3\n",
  );
  assert.deepEqual(families.get("a_total")?.samples, [{
    name: "a_total",
    labels: { command: "harvest", x: 'q"uote' },
    value: 3,
  }]);
  assert.equal(families.get("a_total")?.help, "As.");
  assert.equal(families.get("b_seconds")?.samples[0]?.value, 1500);
});

Deno.test("parsePrometheusText() rejects what the format does not allow", () => {
  for (
    const bad of [
      "a 1\n", // no TYPE
      "# TYPE a gauge\na one\n", // bad value
      "# TYPE a gauge\na{b=c} 1\n", // unquoted label value
      "# TYPE a gauge\na 1\n# HELP a late\n", // HELP after samples
      "# TYPE a counter\na 1\n", // counter without _total
      "# TYPE a gauge\na 1\na 2\n", // duplicate series
      "# TYPE a gauge\na 1", // no final newline
      "# TYPE 1a gauge\n1a 1\n", // bad name
      "# TYPE a_total counter\na_total -1\n", // negative counter
    ]
  ) {
    assert.throws(() => parsePrometheusText(bad), Error, JSON.stringify(bad));
  }
});

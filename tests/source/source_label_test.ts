import assert from "node:assert/strict";
import { sourceLabel } from "../../src/source/source_label.ts";

Deno.test("sourceLabel() names each source as its start-line description begins, and a variant it does not know as it is", () => {
  assert.deepEqual(
    ["dce", "upstream", "matomo", "kaltura"].map(sourceLabel),
    ["Opencast (dce)", "Opencast (upstream)", "Matomo", "kaltura"],
  );
});

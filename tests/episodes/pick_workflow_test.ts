import assert from "node:assert/strict";
import { pickWorkflow } from "../../src/episodes/pick_workflow.ts";
import type { Workflow } from "../../src/opencast/types.ts";

function workflow(id: number, extra: Partial<Workflow> = {}): Workflow {
  return {
    id,
    state: "SUCCEEDED",
    template: "DCE-archive-publish-external",
    operations: [],
    ...extra,
  };
}

Deno.test("pickWorkflow() takes the highest id whatever the order", () => {
  const picked = pickWorkflow([workflow(9), workflow(120), workflow(15)]);
  assert.equal(picked?.id, 120);
});

Deno.test("pickWorkflow() returns null for no workflows", () => {
  assert.equal(pickWorkflow([]), null);
});

Deno.test("pickWorkflow() skips other states and definitions the server did not filter", () => {
  const picked = pickWorkflow([
    workflow(5),
    workflow(7, { state: "FAILED" }),
    workflow(8, { template: "schedule-and-upload" }),
    workflow(6, { template: undefined }),
  ]);
  assert.equal(picked?.id, 6);
});

Deno.test("pickWorkflow() honours a custom definition", () => {
  const picked = pickWorkflow(
    [workflow(5), workflow(3, { template: "my-live" })],
    { definition: "my-live" },
  );
  assert.equal(picked?.id, 3);
});

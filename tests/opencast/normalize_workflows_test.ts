import assert from "node:assert/strict";
import { ApiContractError } from "../../src/errors.ts";
import { normalizeWorkflows } from "../../src/opencast/normalize_workflows.ts";
import { LECTURE_MPID, LIVE_OPERATIONS } from "../support/lecture_example.ts";
import { assertContractError } from "../support/assert_contract_error.ts";

const MP_ID = LECTURE_MPID;

Deno.test("normalizeWorkflows() reads a legacy single workflow with string ids and named operations", () => {
  const workflows = normalizeWorkflows({
    workflows: {
      startPage: "0",
      count: "20",
      totalCount: "1",
      workflow: {
        id: "48213",
        state: "SUCCEEDED",
        template: "DCE-archive-publish-external",
        mediapackage: { id: MP_ID, duration: "5318000" },
        operations: {
          operation: [
            {
              id: "capture",
              state: "SUCCEEDED",
              started: 1477071000000,
              completed: 1477076318000,
            },
            {
              id: "retract-element",
              state: "SUCCEEDED",
              started: 1477080002000,
              completed: 1477080004512,
            },
            { id: "publish-engage", state: "SKIPPED" },
          ],
        },
      },
    },
  });
  assert.deepEqual(workflows, [{
    id: 48213,
    state: "SUCCEEDED",
    template: "DCE-archive-publish-external",
    mediapackageId: MP_ID,
    operations: LIVE_OPERATIONS,
  }]);
});

Deno.test("normalizeWorkflows() names OC 12 operations by template when id is numeric", () => {
  const [workflow] = normalizeWorkflows({
    workflows: {
      workflow: [{
        id: 48213,
        state: "SUCCEEDED",
        template: "DCE-archive-publish-external",
        mediaPackageId: MP_ID,
        operations: {
          operation: {
            id: 991,
            template: "capture",
            state: "SUCCEEDED",
            started: "1477071000000",
          },
        },
      }],
    },
  }, "/workflow/mediaPackage/x/instances.json");
  assert.deepEqual(workflow!.operations, [{
    name: "capture",
    state: "SUCCEEDED",
    started: 1477071000000,
  }]);
  assert.equal(workflow!.mediapackageId, MP_ID);
});

Deno.test("normalizeWorkflows() reads an empty set as a missing key or an empty element", () => {
  assert.deepEqual(normalizeWorkflows({ workflows: { totalCount: "0" } }), []);
  assert.deepEqual(normalizeWorkflows({ workflows: "" }), []);
});

Deno.test("normalizeWorkflows() throws ApiContractError naming the endpoint for a malformed answer", () => {
  assertContractError(
    () => normalizeWorkflows({ workflow: {} }),
    "/workflow/instances.json",
  );
  assert.throws(
    () => normalizeWorkflows({ workflows: { workflow: { state: "RUNNING" } } }),
    ApiContractError,
  );
});

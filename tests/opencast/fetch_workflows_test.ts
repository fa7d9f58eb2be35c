import assert from "node:assert/strict";
import { EndpointNotFoundError } from "../../src/opencast/endpoint_not_found_error.ts";
import { fetchWorkflows } from "../../src/opencast/fetch_workflows.ts";
import { OpencastClient } from "../../src/opencast/opencast_client.ts";
import { fakeFetch, json } from "./_fake_opencast.ts";

const MP_ID = "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11";

Deno.test("fetchWorkflows() asks the legacy endpoint with filters", async () => {
  const fake = fakeFetch(() =>
    json({
      workflows: {
        totalCount: "1",
        workflow: {
          id: "7",
          state: "SUCCEEDED",
          template: "DCE-archive-publish-external",
        },
      },
    })
  );
  const client = new OpencastClient({ host: "admin", fetch: fake.fetch });

  const workflows = await fetchWorkflows(client, { mediapackageId: MP_ID });

  assert.deepEqual(workflows.map((workflow) => workflow.id), [7]);
  const url = fake.requests[0]!.url;
  assert.equal(url.pathname, "/workflow/instances.json");
  assert.equal(url.searchParams.get("mp"), MP_ID);
  assert.equal(url.searchParams.get("state"), "SUCCEEDED");
  assert.equal(
    url.searchParams.get("workflowdefinition"),
    "DCE-archive-publish-external",
  );
  assert.equal(url.searchParams.get("count"), "100");
});

Deno.test("fetchWorkflows() falls back to the OC 12 endpoint on 404, filters there, and remembers", async () => {
  const oc12 = {
    workflows: {
      workflow: [
        { id: 1, state: "SUCCEEDED", template: "DCE-archive-publish-external" },
        { id: 2, state: "FAILED", template: "DCE-archive-publish-external" },
        { id: 3, state: "SUCCEEDED", template: "schedule-and-upload" },
        {
          id: 4,
          state: "SUCCEEDED",
          template: "DCE-archive-publish-external",
          operations: { operation: { id: 55, template: "capture" } },
        },
      ],
    },
  };
  const fake = fakeFetch((request) =>
    request.url.pathname === "/workflow/instances.json"
      ? new Response("", { status: 404 })
      : json(oc12)
  );
  const client = new OpencastClient({
    host: "admin",
    fetch: fake.fetch,
    nodeLabel: "admin",
  });

  const first = await fetchWorkflows(client, { mediapackageId: MP_ID });
  await fetchWorkflows(client, { mediapackageId: MP_ID });

  assert.deepEqual(first.map((workflow) => workflow.id), [1, 4]);
  assert.deepEqual(first[1]!.operations, [{ name: "capture" }]);
  assert.deepEqual(fake.requests.map((request) => request.url.pathname), [
    "/workflow/instances.json",
    `/workflow/mediaPackage/${MP_ID}/instances.json`,
    `/workflow/mediaPackage/${MP_ID}/instances.json`,
  ]);
});

Deno.test("fetchWorkflows() reports the replacement endpoint when the host is not an admin node", async () => {
  const fake = fakeFetch(() => new Response("", { status: 404 }));
  const client = new OpencastClient({
    host: "engage",
    fetch: fake.fetch,
    nodeLabel: "admin",
  });

  await assert.rejects(
    fetchWorkflows(client, { mediapackageId: MP_ID }),
    (error: Error) =>
      error instanceof EndpointNotFoundError &&
      error.message.includes("/instances.json") &&
      error.message.includes("is it an admin node?"),
  );
});

Deno.test("fetchWorkflows() lookups started together pay one 404 between them", async () => {
  const fake = fakeFetch(async (request) => {
    // The 404 comes late, so the other lookups start while it is pending.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return request.url.pathname === "/workflow/instances.json"
      ? new Response("", { status: 404 })
      : json({ workflows: "" });
  });
  const client = new OpencastClient({ host: "admin", fetch: fake.fetch });

  const results = await Promise.all(
    ["a", "b", "c", "d"].map((id) =>
      fetchWorkflows(client, { mediapackageId: id })
    ),
  );

  assert.deepEqual(results, [[], [], [], []]);
  const paths = fake.requests.map((request) => request.url.pathname);
  assert.equal(paths.filter((p) => p === "/workflow/instances.json").length, 1);
  assert.deepEqual(
    paths.filter((p) => p !== "/workflow/instances.json").sort(),
    ["a", "b", "c", "d"].map((id) =>
      `/workflow/mediaPackage/${id}/instances.json`
    ),
  );
});

Deno.test("fetchWorkflows() decides nothing from a failure other than 404", async () => {
  const fake = fakeFetch((_request, index) =>
    index === 0
      ? new Response("bad request", { status: 400 })
      : json({ workflows: { totalCount: 0 } })
  );
  const client = new OpencastClient({ host: "admin", fetch: fake.fetch });

  await assert.rejects(fetchWorkflows(client, { mediapackageId: MP_ID }));
  assert.deepEqual(await fetchWorkflows(client, { mediapackageId: MP_ID }), []);
  assert.deepEqual(
    fake.requests.map((request) => request.url.pathname),
    ["/workflow/instances.json", "/workflow/instances.json"],
  );
});

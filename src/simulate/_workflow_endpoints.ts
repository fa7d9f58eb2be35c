/**
 * The simulated `/workflow` endpoints (opencast-api.md §5): the list of
 * Opencast ≤ 11 (and the DCE fork), the per-mediapackage list of 12+, and
 * single instances by id on every flavor.
 *
 * @module
 */
import { formatServerDateTime } from "./_action_store.ts";
import {
  type EndpointContext,
  intParam,
  jaxbJson,
  mediapackageElement,
  NOT_FOUND,
  ORGANIZATION,
  type SimResponse,
} from "./_endpoints.ts";
import type { SimWorkflow } from "./_generate.ts";
import { element, leaf, type XmlElement } from "./_jettison.ts";

/** A stable database id for an operation (12+ writes it into `id`). */
function operationId(workflow: SimWorkflow, index: number): number {
  return workflow.id * 100 + index + 1;
}

/** When the workflow ended: its last operation time, else its creation. */
function completedAt(workflow: SimWorkflow): Temporal.Instant {
  const last = Math.max(
    workflow.created.epochMilliseconds,
    ...workflow.operations.map((op) => op.completed ?? op.started ?? 0),
  );
  return Temporal.Instant.fromEpochMilliseconds(last);
}

function workflowElement(
  workflow: SimWorkflow,
  context: EndpointContext,
): XmlElement {
  const episode = context.episodes.get(workflow.mediapackageId);
  const modern = context.traits.numericOperationIds;
  const date = (instant: Temporal.Instant) =>
    formatServerDateTime(instant, context.timeZone);
  return element("workflow", { id: workflow.id, state: workflow.state }, [
    leaf("template", workflow.template),
    leaf("title", workflow.title),
    modern && leaf("creator-id", "admin"),
    modern && leaf("organization-id", ORGANIZATION),
    modern && leaf("dateCreated", date(workflow.created)),
    modern && leaf("dateCompleted", date(completedAt(workflow))),
    modern && leaf("mediaPackageId", workflow.mediapackageId),
    episode
      ? mediapackageElement(episode)
      : element("mediapackage", { id: workflow.mediapackageId }, []),
    element(
      "operations",
      undefined,
      workflow.operations.map((op, index) =>
        element("operation", {
          // From 12.0 `id` is a database id and the name moved to `template`.
          id: modern ? operationId(workflow, index) : op.name,
          template: modern ? op.name : undefined,
          state: op.state,
          description: op.description,
          "fail-on-error": true,
          "exception-handler-workflow": "DCE-error-handler",
          job: op.job,
        }, [
          leaf("started", op.started),
          leaf("completed", op.completed),
          op.started !== undefined ? leaf("time-in-queue", 0) : null,
        ])
      ),
    ),
    element("configurations", undefined, [
      element(
        "configuration",
        { key: "publishLive" },
        workflow.operations.some((op) => op.name === "capture"),
      ),
      element("configuration", { key: "archiveOp" }, "true"),
    ]),
  ]);
}

const WORKFLOW_STATES = new Set([
  "INSTANTIATED",
  "RUNNING",
  "STOPPED",
  "PAUSED",
  "SUCCEEDED",
  "FAILED",
  "FAILING",
]);

/**
 * `GET /workflow/instances.json` (≤ 11.x; 404 from 12.0): filters `mp`,
 * `state` (repeatable, case-insensitive, `-` negates),
 * `workflowdefinition`; `startPage` counts pages of `count` (< 1 → 20);
 * newest first unless `sort=DATE_CREATED`.
 */
export function workflowsResponse(
  params: URLSearchParams,
  context: EndpointContext,
): SimResponse {
  if (!context.traits.workflowList) return NOT_FOUND;
  const countParam = intParam(params, "count");
  const startPageParam = intParam(params, "startPage");
  if (countParam === null || startPageParam === null) return NOT_FOUND;
  const count = countParam === undefined || countParam < 1 ? 20 : countParam;
  const startPage = Math.max(0, startPageParam ?? 0);
  const mediapackageId = params.get("mp") || undefined;
  const definition = params.get("workflowdefinition") || undefined;
  const wanted = new Set<string>();
  const unwanted = new Set<string>();
  for (const raw of params.getAll("state")) {
    const negated = raw.startsWith("-");
    const state = (negated ? raw.slice(1) : raw).toUpperCase();
    // Unknown states are dropped silently, as upstream does.
    if (!WORKFLOW_STATES.has(state)) continue;
    (negated ? unwanted : wanted).add(state);
  }
  let matches = context.workflows.filter((w) =>
    (mediapackageId === undefined || w.mediapackageId === mediapackageId) &&
    (definition === undefined || w.template === definition) &&
    (wanted.size === 0 || wanted.has(w.state)) &&
    !unwanted.has(w.state)
  );
  // Ids follow creation order, so id order is creation order.
  if (params.get("sort") !== "DATE_CREATED") matches = [...matches].reverse();
  const page = matches.slice(startPage * count, startPage * count + count);
  return jaxbJson(
    element(
      "workflows",
      {
        startPage,
        count,
        searchTime: 1 + (page.length % 3),
        totalCount: matches.length,
      },
      page.map((workflow) => workflowElement(workflow, context)),
    ),
    context,
  );
}

/**
 * `GET /workflow/mediaPackage/{id}/instances.json` (12+; 404 before): every
 * workflow of the mediapackage, oldest first, with no paging attributes, so
 * none at all is `{"workflows":""}` (R4).
 */
export function mediaPackageWorkflowsResponse(
  mediapackageId: string,
  context: EndpointContext,
): SimResponse {
  if (context.traits.workflowList) return NOT_FOUND;
  const matches = context.workflows.filter((w) =>
    w.mediapackageId === mediapackageId
  );
  return jaxbJson(
    element(
      "workflows",
      undefined,
      matches.map((workflow) => workflowElement(workflow, context)),
    ),
    context,
  );
}

/** `GET /workflow/instance/{id}.json` on every flavor; 404 when unknown. */
export function workflowByIdResponse(
  rawId: string,
  context: EndpointContext,
): SimResponse {
  if (!/^[0-9]{1,15}$/.test(rawId)) return NOT_FOUND;
  const id = Number(rawId);
  const workflow = context.workflows.find((w) => w.id === id);
  if (!workflow) return NOT_FOUND;
  return jaxbJson(workflowElement(workflow, context), context);
}

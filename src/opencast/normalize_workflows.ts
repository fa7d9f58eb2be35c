/**
 * Turns the raw JSON of a workflow listing into {@linkcode Workflow}s.
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";
import type { Workflow, WorkflowOperation } from "./types.ts";
import {
  asList,
  asNumber,
  asObject,
  asString,
  isObject,
  type JsonObject,
} from "./_jettison.ts";

/**
 * Normalizes `/workflow/instances.json` (≤ OC 11) or
 * `/workflow/mediaPackage/{id}/instances.json` (≥ OC 12): one workflow as a
 * bare object, none as a missing key or `""`, ids as strings or numbers. An
 * operation's name is its `id` up to OC 11; from OC 12 `id` is a numeric
 * database id and the name is in `template`.
 *
 * @example Usage
 * ```ts
 * normalizeWorkflows({ workflows: { totalCount: "0" } }); // []
 * ```
 *
 * @param endpoint The endpoint named in error messages.
 * @throws {ApiContractError} When there is no `workflows` root, or a workflow
 * has no numeric id.
 */
export function normalizeWorkflows(
  raw: unknown,
  endpoint = "/workflow/instances.json",
): Workflow[] {
  const root = isObject(raw) ? raw["workflows"] : undefined;
  // An empty set without attributes is the empty element `""`.
  if (root === "") return [];
  if (!isObject(root)) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered JSON without a "workflows" object: is the host an Opencast admin node?`,
    );
  }
  return asList(root["workflow"]).map((workflow) =>
    normalizeWorkflow(workflow, endpoint)
  );
}

function normalizeWorkflow(raw: unknown, endpoint: string): Workflow {
  const id = isObject(raw) ? asNumber(raw["id"]) : undefined;
  if (!isObject(raw) || id === undefined) {
    throw new ApiContractError(
      `Opencast ${endpoint} answered a workflow without a numeric id`,
    );
  }
  const mediapackage = asObject(raw["mediapackage"]);
  const workflow: { -readonly [K in keyof Workflow]: Workflow[K] } = {
    id,
    state: asString(raw["state"]) ?? "",
    operations: asList(asObject(raw["operations"])?.["operation"])
      .filter(isObject)
      .map(normalizeOperation)
      .filter((operation) => operation !== undefined),
  };
  const template = asString(raw["template"]);
  if (template !== undefined) workflow.template = template;
  const mediapackageId = asString(mediapackage?.["id"]) ??
    asString(raw["mediaPackageId"]);
  if (mediapackageId !== undefined) workflow.mediapackageId = mediapackageId;
  return workflow;
}

function normalizeOperation(raw: JsonObject): WorkflowOperation | undefined {
  const id = asString(raw["id"]);
  const template = asString(raw["template"]);
  // From OC 12 `id` is a database id; the name moved to `template`.
  const name = template !== undefined && (id === undefined || /^\d+$/.test(id))
    ? template
    : id;
  if (name === undefined) return undefined;
  const operation: {
    -readonly [K in keyof WorkflowOperation]: WorkflowOperation[K];
  } = { name };
  const state = asString(raw["state"]);
  if (state !== undefined) operation.state = state;
  const started = asNumber(raw["started"]);
  if (started !== undefined) operation.started = started;
  const completed = asNumber(raw["completed"]);
  if (completed !== undefined) operation.completed = completed;
  return operation;
}

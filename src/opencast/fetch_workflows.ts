/**
 * The workflows that ran on one mediapackage, from an admin node.
 *
 * @module
 */
import { EndpointNotFoundError } from "./endpoint_not_found_error.ts";
import type { OpencastClient } from "./opencast_client.ts";
import type { Workflow } from "./types.ts";
import { normalizeWorkflows } from "./normalize_workflows.ts";

const LEGACY_ENDPOINT = "/workflow/instances.json";

/**
 * Clients whose server answered 404 for the legacy endpoint (OC ≥ 12), so
 * later calls go straight to the replacement instead of paying a 404 each.
 */
const withoutLegacyEndpoint = new WeakSet<OpencastClient>();

/** Options for {@linkcode fetchWorkflows}. */
export interface FetchWorkflowsOptions {
  /** The mediapackage (episode) id. */
  readonly mediapackageId: string;
  /**
   * The workflow state to keep.
   *
   * @default "SUCCEEDED"
   */
  readonly state?: string;
  /**
   * The workflow definition to keep.
   *
   * @default "DCE-archive-publish-external"
   */
  readonly definition?: string;
  /**
   * The page size asked of the legacy endpoint.
   *
   * @default 100
   */
  readonly count?: number;
}

/**
 * GETs `/workflow/instances.json?mp=…&state=…&workflowdefinition=…&count=…`.
 * That endpoint was removed in OC 12; when it answers 404 this falls back to
 * `/workflow/mediaPackage/{id}/instances.json`, which has no filters, and
 * filters by state and definition here.
 *
 * @example Usage
 * ```ts
 * const workflows = await fetchWorkflows(admin, { mediapackageId: "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11" });
 * ```
 */
export async function fetchWorkflows(
  client: OpencastClient,
  options: FetchWorkflowsOptions,
): Promise<Workflow[]> {
  const {
    mediapackageId,
    state = "SUCCEEDED",
    definition = "DCE-archive-publish-external",
    count = 100,
  } = options;
  if (!withoutLegacyEndpoint.has(client)) {
    try {
      const raw = await client.getJson(LEGACY_ENDPOINT, {
        mp: mediapackageId,
        state,
        workflowdefinition: definition,
        count,
      });
      return normalizeWorkflows(raw, LEGACY_ENDPOINT);
    } catch (error) {
      if (!(error instanceof EndpointNotFoundError)) throw error;
      withoutLegacyEndpoint.add(client);
    }
  }
  // If this 404s as well, the host is not an admin node: let that error out.
  const endpoint = `/workflow/mediaPackage/${
    encodeURIComponent(mediapackageId)
  }/instances.json`;
  const workflows = normalizeWorkflows(
    await client.getJson(endpoint),
    endpoint,
  );
  const wantedState = state.toUpperCase();
  return workflows.filter((workflow) =>
    workflow.state.toUpperCase() === wantedState &&
    workflow.template === definition
  );
}

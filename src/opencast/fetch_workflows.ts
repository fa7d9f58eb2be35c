/**
 * The workflows that ran on one mediapackage, from an admin node.
 *
 * @module
 */
import { DEFAULT_WORKFLOW_DEFINITION } from "../config/defaults.ts";
import { getLogger } from "@logtape/logtape";
import { EndpointNotFoundError } from "./endpoint_not_found_error.ts";
import type { OpencastClient } from "./opencast_client.ts";
import type { Workflow } from "./types.ts";
import { normalizeWorkflows } from "./normalize_workflows.ts";

const logger = getLogger(["ua-harvest", "opencast"]);

const LEGACY_ENDPOINT = "/workflow/instances.json";

/**
 * Per client, whether the server has the legacy endpoint: `false` once it
 * answered 404 (OC ≥ 12), so the rest of the run goes straight to the
 * replacement; a promise while the first lookup is finding out, so lookups
 * running alongside it wait instead of each paying a 404.
 */
const legacyEndpoint = new WeakMap<
  OpencastClient,
  boolean | Promise<boolean | undefined>
>();

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
   * @default {@linkcode DEFAULT_WORKFLOW_DEFINITION}
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
 * That endpoint was removed in OC 12; once it answers 404 this client uses
 * `/workflow/mediaPackage/{id}/instances.json` for the rest of the run (one
 * call per episode, no paging and no filters there), keeping the workflows
 * of the state and definition here. Operation names come from `template`
 * there (see {@linkcode normalizeWorkflows}).
 *
 * @example Usage
 * ```ts
 * const workflows = await fetchWorkflows(admin, { mediapackageId: "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11" });
 * ```
 *
 * @throws {AuthenticationError} On 401/403, e.g. an OC 12+ user who may not
 * read the episode's workflows.
 * @throws {EndpointNotFoundError} When neither endpoint exists (not an admin node).
 */
export async function fetchWorkflows(
  client: OpencastClient,
  options: FetchWorkflowsOptions,
): Promise<Workflow[]> {
  const {
    mediapackageId,
    state = "SUCCEEDED",
    definition = DEFAULT_WORKFLOW_DEFINITION,
    count = 100,
  } = options;
  const legacy = async () =>
    normalizeWorkflows(
      await client.getJson(LEGACY_ENDPOINT, {
        mp: mediapackageId,
        state,
        workflowdefinition: definition,
        count,
      }),
      LEGACY_ENDPOINT,
    );
  for (;;) {
    const known = legacyEndpoint.get(client);
    if (known === true) return await legacy();
    if (known === false) break;
    if (known !== undefined) {
      // Another lookup is finding out; then decide again.
      await known;
      continue;
    }
    const attempt = legacy();
    const decided = attempt.then(
      () => {
        legacyEndpoint.set(client, true);
        return true;
      },
      (error) => {
        if (error instanceof EndpointNotFoundError) {
          legacyEndpoint.set(client, false);
          logger.info(
            "Opencast {endpoint} is gone (Opencast 12+): reading each episode's workflows from /workflow/mediaPackage/{{id}}/instances.json",
            { endpoint: LEGACY_ENDPOINT },
          );
          return false;
        }
        // Undecided (a failure or a stop): the next lookup tries again.
        legacyEndpoint.delete(client);
        return undefined;
      },
    );
    legacyEndpoint.set(client, decided);
    if (await decided !== false) return await attempt;
    break;
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

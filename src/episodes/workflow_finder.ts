/**
 * The workflow an episode document takes its live and availability times
 * from: the most recent successful one of the configured definition.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { AuthenticationError } from "../errors.ts";
import type { Workflow } from "../opencast/types.ts";
import type { LoadEpisodesSummary } from "./load_episodes_summary.ts";
import { pickWorkflow } from "./pick_workflow.ts";

const logger = getLogger(["ua-harvest", "episodes"]);

/** A workflow lookup on the admin node (`fetchWorkflows`). */
export interface WorkflowQuery {
  /** The episode. */
  mediapackageId: string;
  /** Always `SUCCEEDED`. */
  state: string;
  /** The workflow definition (`--workflow-definition`). */
  definition: string;
}

/** Options for {@linkcode createWorkflowFinder}. */
export interface WorkflowFinderOptions {
  /** Lists the workflows of an episode (the admin node). */
  readonly lookupWorkflows: (
    query: WorkflowQuery,
  ) => Promise<readonly Workflow[]>;
  /** The workflow definition holding the live capture (`--workflow-definition`). */
  readonly definition: string;
  /** The run's stop signal: a lookup it cut short is not a failed lookup. */
  readonly signal?: AbortSignal;
  /** Where lookups made, missing and failed are counted. */
  readonly summary: Pick<
    LoadEpisodesSummary,
    "workflowsFetched" | "workflowsMissing" | "workflowErrors"
  >;
}

/**
 * A function that finds an episode's workflow, or `null`: none of the
 * definition succeeded (debug), or the lookup failed (logged as an error;
 * the document is indexed without workflow fields). Refused credentials fail
 * every lookup alike, so they stop the run; so does a stop.
 */
export function createWorkflowFinder(
  options: WorkflowFinderOptions,
): (mediapackageId: string) => Promise<Workflow | null> {
  const { lookupWorkflows, definition, signal, summary } = options;
  return async (mediapackageId) => {
    let workflows: readonly Workflow[];
    try {
      workflows = await lookupWorkflows({
        mediapackageId,
        state: "SUCCEEDED",
        definition,
      });
    } catch (error) {
      // Wrong admin credentials fail every lookup alike: stop, someone must act.
      if (error instanceof AuthenticationError) throw error;
      // A lookup cut short by a stop says nothing about the workflow: it must
      // not become a document without workflow fields.
      if (signal?.aborted) throw error;
      summary.workflowErrors += 1;
      logger.error(
        "Workflow lookup for episode {mpid} failed, indexing it without live and availability times: {reason}",
        { mpid: mediapackageId, reason: (error as Error)?.message ?? error },
      );
      return null;
    }
    summary.workflowsFetched += 1;
    const workflow = pickWorkflow(workflows, {
      state: "SUCCEEDED",
      definition,
    });
    if (workflow === null) {
      summary.workflowsMissing += 1;
      logger.debug("No {definition} workflow for episode {mpid}", {
        definition,
        mpid: mediapackageId,
      });
    }
    return workflow;
  };
}

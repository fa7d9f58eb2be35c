import { DEFAULT_WORKFLOW_DEFINITION } from "../config/defaults.ts";
import type { Workflow } from "../opencast/types.ts";

/** Which workflows count. */
export interface PickWorkflowOptions {
  /** Only workflows in this state. @default "SUCCEEDED" */
  state?: string;
  /**
   * Only workflows of this definition, when the workflow names its
   * definition. @default {@linkcode DEFAULT_WORKFLOW_DEFINITION}
   */
  definition?: string;
}

/**
 * The most recent matching workflow: the highest id. The workflow API's
 * sort parameters were found not to work, so the choice is made here, and
 * the state and definition are checked again in case the server ignored
 * the filters. Pure.
 */
export function pickWorkflow(
  workflows: readonly Workflow[],
  options: PickWorkflowOptions = {},
): Workflow | null {
  const { state = "SUCCEEDED", definition = DEFAULT_WORKFLOW_DEFINITION } =
    options;
  let best: Workflow | null = null;
  for (const workflow of workflows) {
    if (workflow.state.toUpperCase() !== state.toUpperCase()) continue;
    if (workflow.template !== undefined && workflow.template !== definition) {
      continue;
    }
    if (best === null || workflow.id > best.id) best = workflow;
  }
  return best;
}

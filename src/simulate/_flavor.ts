/**
 * The Opencast variants the simulator can play and what sets them apart
 * (opencast-api.md §1, §9).
 *
 * @module
 */
import type { JettisonTyping } from "./_jettison.ts";

/**
 * Which Opencast the simulator plays:
 *
 * - `dce`: Harvard DCE's fork of Opencast 5.x. Attributes as strings,
 *   `isPlaying` 0/1/2, the `start`/`end` action window, search with
 *   `includeDeleted`/`createdFrom`/`createdTo`, `/workflow/instances.json`.
 * - `stock`: upstream Opencast 8–11. Coerced attributes, boolean
 *   `isPlaying`, no window parameters (ignored), Solr search without the DCE
 *   parameters, `/workflow/instances.json`.
 * - `oc12`: upstream 12–15. As `stock`, but workflows only per mediapackage
 *   (`/workflow/mediaPackage/{id}/instances.json`).
 * - `oc16`: upstream 16+. As `oc12`, with the OpenSearch-era search.
 */
export type SimulatorFlavor = "dce" | "stock" | "oc12" | "oc16";

/** Every flavor, in release order. */
export const SIMULATOR_FLAVORS: readonly SimulatorFlavor[] = [
  "dce",
  "stock",
  "oc12",
  "oc16",
];

/** The order of usertracking list rows: primary key, or `(created, id)`. */
export type ActionOrder = "id" | "created";

/** What a flavor does differently. */
export interface FlavorTraits {
  /** Attribute typing of the JAXB endpoints (R6). */
  readonly typing: JettisonTyping;
  /** `/info/components.json` version. */
  readonly version: string;
  /** `isPlaying` as DCE's 0/1/2 (else upstream's boolean). */
  readonly isPlayingInteger: boolean;
  /** Honours the DCE `start`/`end` window on `actions.json`. */
  readonly actionWindow: boolean;
  /** Search era: Solr with its `limit` rules by version, or OpenSearch. */
  readonly search: "solr-7.3" | "solr-10" | "solr-15" | "opensearch";
  /** Honours `includeDeleted`, `createdFrom`, `createdTo` on search. */
  readonly dceSearch: boolean;
  /** Serves `/workflow/instances.json` (removed in 12.0). */
  readonly workflowList: boolean;
  /** Operation `id` is a database id and the name is in `template` (12+). */
  readonly numericOperationIds: boolean;
  /** Default row order of `actions.json`. */
  readonly order: ActionOrder;
}

const TRAITS: Readonly<Record<SimulatorFlavor, FlavorTraits>> = {
  dce: {
    typing: "legacy",
    version: "5.0.0-SNAPSHOT",
    isPlayingInteger: true,
    actionWindow: true,
    search: "solr-7.3",
    dceSearch: true,
    workflowList: true,
    numericOperationIds: false,
    order: "created",
  },
  stock: {
    typing: "coerced",
    version: "10.6",
    isPlayingInteger: false,
    actionWindow: false,
    search: "solr-10",
    dceSearch: false,
    workflowList: true,
    numericOperationIds: false,
    order: "id",
  },
  oc12: {
    typing: "coerced",
    version: "12.9",
    isPlayingInteger: false,
    actionWindow: false,
    search: "solr-15",
    dceSearch: false,
    workflowList: false,
    numericOperationIds: true,
    order: "id",
  },
  oc16: {
    typing: "coerced",
    version: "16.4",
    isPlayingInteger: false,
    actionWindow: false,
    search: "opensearch",
    dceSearch: false,
    workflowList: false,
    numericOperationIds: true,
    order: "id",
  },
};

/** The traits of a flavor. */
export function flavorTraits(flavor: SimulatorFlavor): FlavorTraits {
  return TRAITS[flavor];
}

/** What a `load_episodes` run did; counted as it goes, so a failed run has counts too. */
export interface LoadEpisodesSummary {
  /** Episodes found and turned into documents. */
  episodes: number;
  /** Documents Elasticsearch accepted. */
  indexed: number;
  /** Documents Elasticsearch did not accept. */
  failed: number;
  /** Workflow lookups the admin node answered. */
  workflowsFetched: number;
  /** Episodes with no matching workflow (indexed without workflow fields). */
  workflowsMissing: number;
  /** Episodes whose workflow lookup failed (indexed without workflow fields). */
  workflowErrors: number;
  /** Requested ids (`--mpid`, source indexes) with no episode in Opencast. */
  notFound: number;
  /** Search pages fetched for the creation window (0 for id lists). */
  searchPages: number;
  /** Listed episodes left out as created outside the window (or undated). */
  outsideWindow: number;
  /** Wall time of the run. */
  seconds: number;
}

/** A summary with every count at zero. */
export function emptyLoadEpisodesSummary(): LoadEpisodesSummary {
  return {
    episodes: 0,
    indexed: 0,
    failed: 0,
    workflowsFetched: 0,
    workflowsMissing: 0,
    workflowErrors: 0,
    notFound: 0,
    searchPages: 0,
    outsideWindow: 0,
    seconds: 0,
  };
}

/** The parts of a DCE series id (`20160112345`: year 2016, term 01, course number 12345). */
export interface SeriesParts {
  readonly year: string;
  readonly term: string;
  /** The course registration number. */
  readonly crn: string;
}

/**
 * Splits a series id by Harvard DCE's convention: characters 0–4, 4–6 and
 * 6–11, as the original sliced it (a shorter id gives shorter or empty parts).
 * The action record calls the last part `cdn`, the episode document `crn`.
 */
export function splitSeries(series: string): SeriesParts {
  return {
    year: series.slice(0, 4),
    term: series.slice(4, 6),
    crn: series.slice(6, 11),
  };
}

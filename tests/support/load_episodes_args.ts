/**
 * `load_episodes` against one simulator as both engage and admin node, into
 * an Elasticsearch fake, with no pause between pages: the command line most
 * load_episodes tests start from.
 *
 * @example
 * ```ts
 * await runMain(loadEpisodesArgs(sim, es, "-c", "200"));
 * ```
 */
export function loadEpisodesArgs(
  sim: { readonly url: string },
  es: { readonly host: string },
  ...more: string[]
): string[] {
  return [
    "load_episodes",
    "-E",
    sim.url,
    "-A",
    sim.url,
    "-e",
    es.host,
    "-w",
    "0",
    ...more,
  ];
}

/**
 * Which custom dimension holds the episode id (matomo-api.md §1): the one
 * `MATOMO_EPISODE_DIMENSION` names, else an active action-scope dimension
 * named like "episode" or "video id", else none (the page URL's `id=` and
 * Paella 7's event names still name episodes). Only an action-scope
 * dimension names the video of each action: a visit-scope one is
 * overwritten by every request, so with two videos in a visit it names only
 * the last.
 *
 * @module
 */
import { ConfigError } from "../../errors.ts";
import { echoValue } from "../../util/echo_value.ts";
import type { MatomoCustomDimension } from "./matomo_types.ts";

/** Names taken for the episode dimension when no setting names one. */
const EPISODE_NAME_REGEXP = /episode|video.?id|media.?package|event.?id/i;
const ID_SETTING_REGEXP = /^(?:dimension)?(\d+)$/i;

/** The chosen dimension, and why, for the start line. */
export interface EpisodeDimension {
  /** `idcustomdimension`: actions carry it as `dimensionN`. */
  readonly id: number;
  readonly name: string;
  /** `setting`: from `MATOMO_EPISODE_DIMENSION`; `name`: found by its name. */
  readonly chosenBy: "setting" | "name";
}

function describe(dimension: MatomoCustomDimension): string {
  return `${dimension.id} ${
    JSON.stringify(dimension.name)
  } (${dimension.scope}${dimension.active ? "" : ", inactive"})`;
}

/**
 * Picks the episode dimension of a site.
 *
 * @param dimensions The site's configured custom dimensions.
 * @param setting `MATOMO_EPISODE_DIMENSION`: an id (`3`, `dimension3`) or a
 * name (any case); unset or empty to choose by name.
 * @returns The dimension, or `null` when there is none to take.
 * @throws {ConfigError} When the setting names no dimension of the site, an
 * inactive one, or a visit-scope one.
 */
export function chooseEpisodeDimension(
  dimensions: readonly MatomoCustomDimension[],
  setting?: string,
): EpisodeDimension | null {
  const value = setting?.trim() ?? "";
  if (value === "") {
    const match = [...dimensions].sort((a, b) => a.id - b.id).find((d) =>
      d.active && d.scope === "action" && EPISODE_NAME_REGEXP.test(d.name)
    );
    return match ? { id: match.id, name: match.name, chosenBy: "name" } : null;
  }
  const byId = ID_SETTING_REGEXP.exec(value);
  const dimension = byId
    ? dimensions.find((d) => d.id === Number(byId[1]))
    : dimensions.find((d) => d.name.toLowerCase() === value.toLowerCase());
  const echoed = echoValue(value);
  if (!dimension) {
    throw new ConfigError(
      `MATOMO_EPISODE_DIMENSION is ${echoed}, but the Matomo site has no such custom dimension: set it to the id or name of one of ${
        dimensions.length === 0
          ? "none (the site has none)"
          : dimensions.map(describe).join(", ")
      }, or leave it unset`,
    );
  }
  if (dimension.scope !== "action") {
    throw new ConfigError(
      `MATOMO_EPISODE_DIMENSION is ${echoed}, a visit-scope dimension, which names only the last video of a visit: set it to an action-scope dimension, or leave it unset`,
    );
  }
  if (!dimension.active) {
    throw new ConfigError(
      `MATOMO_EPISODE_DIMENSION is ${echoed}, a dimension that is not active in Matomo: activate it, or leave the setting unset`,
    );
  }
  return { id: dimension.id, name: dimension.name, chosenBy: "setting" };
}

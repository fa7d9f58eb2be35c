import assert from "node:assert/strict";
import { ConfigError } from "../../../src/errors.ts";
import { chooseEpisodeDimension } from "../../../src/source/matomo/choose_episode_dimension.ts";
import type { MatomoCustomDimension } from "../../../src/source/matomo/matomo_types.ts";

const DIMENSIONS: MatomoCustomDimension[] = [
  { id: 4, name: "Series ID", scope: "action", active: true },
  { id: 3, name: "Video ID (visit)", scope: "visit", active: true },
  { id: 2, name: "Old episode", scope: "action", active: false },
  { id: 5, name: "Episode", scope: "action", active: true },
  { id: 7, name: "Video ID", scope: "action", active: true },
];

Deno.test("chooseEpisodeDimension() without a setting takes the active action-scope dimension named like an episode, lowest id first", () => {
  assert.deepEqual(chooseEpisodeDimension(DIMENSIONS), {
    id: 5,
    name: "Episode",
    chosenBy: "name",
  });
  for (
    const name of ["video id", "VideoID", "Opencast mediapackage", "Event ID"]
  ) {
    assert.equal(
      chooseEpisodeDimension([{ id: 9, name, scope: "action", active: true }])
        ?.id,
      9,
      name,
    );
  }
  // Visit scope, inactive, or an unrelated name: none.
  assert.equal(
    chooseEpisodeDimension(DIMENSIONS.filter((d) => d.id < 5)),
    null,
  );
  assert.equal(chooseEpisodeDimension([]), null);
  assert.deepEqual(
    chooseEpisodeDimension(DIMENSIONS, "  "),
    chooseEpisodeDimension(DIMENSIONS),
  );
});

Deno.test("chooseEpisodeDimension() takes MATOMO_EPISODE_DIMENSION as an id, dimensionN or a name", () => {
  for (const setting of ["4", "dimension4", "series id"]) {
    assert.deepEqual(chooseEpisodeDimension(DIMENSIONS, setting), {
      id: 4,
      name: "Series ID",
      chosenBy: "setting",
    });
  }
});

Deno.test("chooseEpisodeDimension() refuses a setting naming no dimension, a visit-scope or an inactive one", () => {
  assert.throws(
    () => chooseEpisodeDimension(DIMENSIONS, "11"),
    (error: Error) =>
      error instanceof ConfigError &&
      /^MATOMO_EPISODE_DIMENSION is 11, but the Matomo site has no such custom dimension: set it to the id or name of one of 4 "Series ID" \(action\), /
        .test(error.message),
  );
  assert.throws(
    () => chooseEpisodeDimension(DIMENSIONS, "3"),
    /visit-scope dimension, which names only the last video of a visit/,
  );
  assert.throws(
    () => chooseEpisodeDimension(DIMENSIONS, "Old episode"),
    /not active/,
  );
});

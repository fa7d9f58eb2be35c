/**
 * ua-harvest: harvests Opencast user actions and episode metadata.
 * (CLI wiring is being built in issue 2.)
 *
 * @module
 */
if (import.meta.main) {
  console.log("ua-harvest");
}

/** The variants of the Opencast source (`--opencast-api`). */
const OPENCAST_VARIANTS: ReadonlySet<string> = new Set(["dce", "upstream"]);

/**
 * What a source is, in a word or two, from its variant (`ActionSource.variant`,
 * the last-run record's `opencastVariant`): `Matomo`, `Opencast (dce)`,
 * `Opencast (upstream)`, as the sources' descriptions in the start line
 * begin; any other variant as it is. For the run summary and `status`. Pure.
 *
 * @example Usage
 * ```ts
 * sourceLabel("matomo"); // "Matomo"
 * sourceLabel("dce"); // "Opencast (dce)"
 * ```
 */
export function sourceLabel(variant: string): string {
  if (variant === "matomo") return "Matomo";
  return OPENCAST_VARIANTS.has(variant) ? `Opencast (${variant})` : variant;
}

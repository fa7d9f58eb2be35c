/**
 * What a source is, in a word or two, from its variant (`ActionSource.variant`,
 * the last-run record's `opencastVariant`): `Matomo`, `Opencast (dce)`,
 * `Opencast (upstream)`, as the sources' descriptions in the start line
 * begin. For the run summary and `status`. Pure.
 *
 * @example Usage
 * ```ts
 * sourceLabel("matomo"); // "Matomo"
 * sourceLabel("dce"); // "Opencast (dce)"
 * ```
 */
export function sourceLabel(variant: string): string {
  return variant === "matomo" ? "Matomo" : `Opencast (${variant})`;
}

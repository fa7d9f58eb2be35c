/**
 * Whether an installed template already says everything the desired one
 * says. Pure. Elasticsearch hands a template back with additions of its
 * own (`composed_of: []`, …) and may turn numbers into strings, so this is
 * a containment check: every value in `desired` must be found, equal, at the
 * same place in `installed`; arrays must match element by element; extra
 * keys in `installed` are ignored.
 */
export function templateMatches(desired: unknown, installed: unknown): boolean {
  if (Array.isArray(desired)) {
    return Array.isArray(installed) &&
      desired.length === installed.length &&
      desired.every((item, i) => templateMatches(item, installed[i]));
  }
  if (desired !== null && typeof desired === "object") {
    if (
      installed === null || typeof installed !== "object" ||
      Array.isArray(installed)
    ) {
      return false;
    }
    const record = installed as Record<string, unknown>;
    return Object.entries(desired).every(([key, value]) =>
      templateMatches(value, record[key])
    );
  }
  if (typeof desired === "number" || typeof desired === "boolean") {
    return desired === installed || String(desired) === installed;
  }
  return desired === installed;
}

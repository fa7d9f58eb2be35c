/**
 * Rewrites long options spelled with `_` where the command declares `-` (or
 * the other way round) to the declared spelling. The original tool mixed both
 * (`--engage_host`, `--queue-name`); existing cron lines must keep working,
 * and users should not have to remember which is which.
 *
 * @param args the arguments after the command name
 * @param declared the long flags the command declares, e.g. `["--engage_host", "--queue-name"]`
 * @returns the arguments with every known flag in its declared spelling
 */
export function normalizeOptionSpelling(
  args: readonly string[],
  declared: readonly string[],
): string[] {
  const canonical = new Map(
    declared.map((flag) => [flag.replaceAll("_", "-"), flag]),
  );
  const result: string[] = [];
  for (const [index, arg] of args.entries()) {
    if (arg === "--") {
      result.push(...args.slice(index));
      break;
    }
    if (!arg.startsWith("--")) {
      result.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const rest = equals < 0 ? "" : arg.slice(equals);
    const declaredName = canonical.get(name.replaceAll("_", "-"));
    result.push(declaredName ? declaredName + rest : arg);
  }
  return result;
}

import { ConfigError } from "../errors.ts";

/**
 * Throws a `ConfigError` unless `name` can start an Elasticsearch index
 * name: lower case, not starting with `-`, `_` or `+`, none of
 * `\ / * ? " < > | , #` or spaces, at most 200 characters (leaving room for
 * a date suffix). Pure.
 *
 * @param setting the flag or variable to name in the message
 */
export function validateIndexName(name: string, setting: string): void {
  const problem = name === ""
    ? "it is empty"
    : name !== name.toLowerCase()
    ? "it has upper-case letters"
    : /^[-_+]/.test(name)
    ? "it starts with -, _ or +"
    : /[\\/*?"<>|,# :]/.test(name)
    ? 'it contains one of \\ / * ? " < > | , # : or a space'
    : name === "." || name === ".."
    ? "it is . or .."
    : name.length > 200
    ? "it is longer than 200 characters"
    : null;
  if (problem !== null) {
    throw new ConfigError(
      `Cannot use ${JSON.stringify(name)} as ${setting}: ${problem}`,
    );
  }
}

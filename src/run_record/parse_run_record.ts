import { ApiContractError } from "../errors.ts";
import { RUN_RECORD_VERSION, type RunRecord } from "./run_record.ts";

/**
 * Reads a stored last-run record, checking every field `status` and the
 * metrics rely on.
 *
 * @param text The stored JSON.
 * @param source Where it came from, for the error message.
 * @throws {ApiContractError} when it is not a record of this format.
 */
export function parseRunRecord(text: string, source: string): RunRecord {
  const fail = (problem: string): never => {
    throw new ApiContractError(
      `Cannot read the last-run record ${source}: ${problem}; the next run replaces it`,
    );
  };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return fail("it is not JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return fail("expected a JSON object");
  }
  const r = data as Record<string, unknown>;
  if (r.version !== RUN_RECORD_VERSION) {
    return fail(`unsupported version ${JSON.stringify(r.version)}`);
  }
  if (r.command !== "harvest" && r.command !== "load_episodes") {
    return fail(`unknown command ${JSON.stringify(r.command)}`);
  }
  for (const field of ["startedAt", "endedAt"]) {
    if (typeof r[field] !== "string" || Number.isNaN(Date.parse(r[field]))) {
      return fail(`'${field}' must be an ISO 8601 time`);
    }
  }
  if (
    r.lastSuccessAt !== undefined &&
    Number.isNaN(Date.parse(String(r.lastSuccessAt)))
  ) {
    return fail("'lastSuccessAt' must be an ISO 8601 time");
  }
  if (!Number.isSafeInteger(r.exitCode)) {
    return fail("'exitCode' must be an integer");
  }
  if (typeof r.durationSeconds !== "number") {
    return fail("'durationSeconds' must be a number");
  }
  for (const field of ["counts", "totals"]) {
    const value = r[field];
    if (
      typeof value !== "object" || value === null ||
      !Object.values(value).every((n) => typeof n === "number" && n >= 0)
    ) {
      return fail(`'${field}' must map names to non-negative numbers`);
    }
  }
  return data as RunRecord;
}

/**
 * What a refused conditional `PutObject` of the checkpoint means. Pure: it
 * looks only at the error's code and HTTP status.
 *
 * @module
 */
import { classifyAwsError } from "../aws/classify_aws_error.ts";

/**
 * How the S3 checkpoint store reads a failed write:
 *
 * - `conflict`: 409 `ConditionalRequestConflict` (or `OperationAborted`):
 *   another conditional write to the key was still in progress, which is
 *   also what the client's retry of our own still-pending write runs into.
 *   Nothing was decided: write again after a short delay.
 * - `precondition`: 412 `PreconditionFailed`: the object is not the one this
 *   store last saw. Either another run moved it (fencing) or an earlier
 *   attempt of this very write succeeded and its answer was lost; only
 *   reading the object back tells which.
 * - `other`: any other failure, reported as S3 trouble.
 */
export type S3WriteErrorKind = "conflict" | "precondition" | "other";

const CONFLICT_CODES = new Set([
  "ConditionalRequestConflict",
  "OperationAborted",
]);

/**
 * Classifies an error thrown by a conditional `PutObject`.
 *
 * @example Usage
 * ```ts
 * classifyS3WriteError({ code: "ConditionalRequestConflict", status: 409 }); // "conflict"
 * classifyS3WriteError({ code: "PreconditionFailed", status: 412 }); // "precondition"
 * ```
 *
 * @param error What the S3 client threw (an `AwsResponseError` when S3 answered).
 * @returns What the failure means for the write.
 */
export function classifyS3WriteError(error: unknown): S3WriteErrorKind {
  const { code, status } = classifyAwsError(error);
  if (CONFLICT_CODES.has(code)) return "conflict";
  if (status === 412 || code === "PreconditionFailed") return "precondition";
  return "other";
}

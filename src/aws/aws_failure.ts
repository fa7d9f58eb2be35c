/**
 * Turns a classified AWS error into the error a person can act on. Messages
 * name the service, what was being done and where (endpoint or region), never
 * a credential.
 *
 * @module
 */
import {
  AuthenticationError,
  ConfigError,
  type UaHarvestError,
  UnreachableError,
} from "../errors.ts";
import type { AwsErrorClass } from "./classify_aws_error.ts";
import {
  certificateProblem,
  describeCertificateError,
} from "../tls/describe_certificate_error.ts";

/** Where the failing call went, for the message. */
export interface AwsFailureContext {
  /** The service, e.g. `SQS` or `S3`. */
  readonly service: string;
  /** What was being done, e.g. `looking up queue 'harvest'`. */
  readonly action: string;
  readonly region: string;
  readonly endpoint?: string;
  /** Attempts made, mentioned when more than one. */
  readonly attempts?: number;
}

/**
 * Builds the error for an AWS call that failed for good: access problems become
 * {@linkcode AuthenticationError}, an unreachable, throttling or failing
 * service an {@linkcode UnreachableError}, a refused request (4xx) a
 * {@linkcode ConfigError} (the settings name something wrong).
 *
 * @param failure The classification from `classifyAwsError`.
 * @param context What was being done and where, for the message.
 * @param cause The original error, kept as `cause`.
 * @returns The error to throw.
 */
export function awsFailure(
  failure: AwsErrorClass,
  context: AwsFailureContext,
  cause?: unknown,
): UaHarvestError {
  const where = describeAwsLocation(context);
  const detail = `${failure.code}: ${failure.message}`;
  const after = context.attempts !== undefined && context.attempts > 1
    ? ` after ${context.attempts} attempts`
    : "";
  const options = { cause };
  const certificate = failure.kind === "unreachable"
    ? certificateProblem(cause) ?? certificateProblem(failure.message)
    : undefined;
  if (certificate !== undefined) {
    return new UnreachableError(
      describeCertificateError(
        `${context.service} (${where}, while ${context.action})`,
        certificate,
      ),
      options,
    );
  }
  switch (failure.kind) {
    case "auth":
      if (
        failure.code === "RequestTimeTooSkewed" ||
        /^Signature expired\b/.test(failure.message)
      ) {
        // Signatures hold the time: new keys would be refused the same way.
        return new AuthenticationError(
          `AWS refused ${context.service} requests while ${context.action} (${where}) because this machine's clock is off: set it right (NTP): ${detail}`,
          options,
        );
      }
      if (failure.code === "CredentialsProviderError") {
        // Nothing was sent: AWS refused nothing, there was nothing to sign with.
        return new AuthenticationError(
          `Found no AWS credentials for ${context.service} while ${context.action} (${where}): ${failure.message}`,
          options,
        );
      }
      return new AuthenticationError(
        `AWS refused access to ${context.service} while ${context.action} (${where}): check the AWS credentials and their permissions: ${detail}`,
        options,
      );
    case "unreachable":
    case "throttled":
    case "server":
      return new UnreachableError(
        `Cannot reach ${context.service} while ${context.action} (${where})${after}: ${detail}`,
        options,
      );
    case "client":
      return new ConfigError(
        `${context.service} refused ${context.action} (${where}): ${detail}`,
        options,
      );
  }
}

/**
 * Describes where AWS calls go, e.g. `endpoint http://localhost:4566, region
 * us-east-1` or `region us-east-1`.
 */
export function describeAwsLocation(
  context: { readonly region: string; readonly endpoint?: string },
): string {
  return context.endpoint === undefined
    ? `region ${context.region}`
    : `endpoint ${context.endpoint}, region ${context.region}`;
}

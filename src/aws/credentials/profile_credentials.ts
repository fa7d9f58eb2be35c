/**
 * What a shared-file profile asks for, pure: static keys, a role assumed
 * with a web identity token (both done here), or something done only by the
 * AWS SDK's own chain (SSO, `credential_process`, a role assumed from
 * another profile or `credential_source`, a console login).
 *
 * @module
 */
import type { AwsCredentials } from "../aws_credentials.ts";
import type { SharedProfile } from "./shared_profile.ts";

/** How a profile's credentials are obtained. */
export type ProfileCredentialsPlan =
  | { readonly kind: "static"; readonly credentials: AwsCredentials }
  | {
    readonly kind: "web-identity";
    readonly roleArn: string;
    readonly tokenFile: string;
    readonly sessionName?: string;
  }
  | { readonly kind: "sdk"; readonly reason: string }
  | {
    readonly kind: "none";
    /** Why the profile's settings give no credentials, when they nearly do. */
    readonly reason?: string;
  };

/**
 * The plan for `profile`, in the order the SDK checks a profile.
 *
 * @example Usage
 * ```ts
 * profileCredentialsPlan({ name: "dev", settings: { sso_session: "corp" } }).kind; // "sdk"
 * ```
 */
export function profileCredentialsPlan(
  profile: SharedProfile,
): ProfileCredentialsPlan {
  const s = profile.settings;
  if (s.role_arn && (s.source_profile || s.credential_source)) {
    return {
      kind: "sdk",
      reason: s.source_profile
        ? "role_arn with source_profile"
        : "role_arn with credential_source",
    };
  }
  if (s.aws_access_key_id && s.aws_secret_access_key) {
    return {
      kind: "static",
      credentials: {
        accessKeyId: s.aws_access_key_id,
        secretAccessKey: s.aws_secret_access_key,
        ...(s.aws_session_token ? { sessionToken: s.aws_session_token } : {}),
      },
    };
  }
  if (s.role_arn && s.web_identity_token_file) {
    return {
      kind: "web-identity",
      roleArn: s.role_arn,
      tokenFile: s.web_identity_token_file,
      ...(s.role_session_name ? { sessionName: s.role_session_name } : {}),
    };
  }
  if (s.credential_process) {
    return { kind: "sdk", reason: "credential_process" };
  }
  if (s.sso_session || s.sso_start_url || s.sso_account_id) {
    return { kind: "sdk", reason: "SSO" };
  }
  if (s.login_session) return { kind: "sdk", reason: "login_session" };
  const half = halfSetting(s, "aws_access_key_id", "aws_secret_access_key") ??
    (s.role_arn
      ? "has role_arn but none of source_profile, credential_source or web_identity_token_file"
      : s.web_identity_token_file
      ? "has web_identity_token_file but no role_arn"
      : undefined);
  return half === undefined
    ? { kind: "none" }
    : { kind: "none", reason: `profile '${profile.name}' ${half}` };
}

/** `has a but no b` when only one of a pair that works together is set. */
function halfSetting(
  settings: Readonly<Record<string, string>>,
  a: string,
  b: string,
): string | undefined {
  if (settings[a] && !settings[b]) return `has ${a} but no ${b}`;
  if (settings[b] && !settings[a]) return `has ${b} but no ${a}`;
  return undefined;
}

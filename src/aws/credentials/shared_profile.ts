/**
 * The profile of the shared AWS files, as the SDK merges it: the section of
 * `AWS_PROFILE` (else `default`) in `AWS_CONFIG_FILE` (`~/.aws/config`,
 * where it is `[profile name]`, or `[default]`) overlaid by the same name in
 * `AWS_SHARED_CREDENTIALS_FILE` (`~/.aws/credentials`).
 *
 * @module
 */
import { join } from "node:path";
import { parseIni } from "./_ini.ts";
import type { CredentialSources } from "./credential_sources.ts";

/** A profile: its name and settings (keys in lower case). */
export interface SharedProfile {
  readonly name: string;
  readonly settings: Readonly<Record<string, string>>;
}

/** The profile a run uses: `AWS_PROFILE`, else `default`. */
export function profileName(env: Readonly<Record<string, string>>): string {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || "default";
}

/**
 * Reads the profile; `undefined` when neither file names it (missing files
 * count as empty).
 */
export async function readSharedProfile(
  sources: Pick<CredentialSources, "env" | "readTextFile" | "homeDir">,
): Promise<SharedProfile | undefined> {
  const { env, readTextFile, homeDir } = sources;
  const aws = homeDir === undefined ? undefined : join(homeDir, ".aws");
  const configPath = env.AWS_CONFIG_FILE ||
    (aws === undefined ? undefined : join(aws, "config"));
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE ||
    (aws === undefined ? undefined : join(aws, "credentials"));
  const [configText, credentialsText] = await Promise.all(
    [configPath, credentialsPath].map((path) =>
      path === undefined ? "" : readTextFile(path).catch(() => "")
    ),
  );
  return mergeSharedProfile(
    profileName(env),
    configText ?? "",
    credentialsText ?? "",
  );
}

/** The merge itself, pure. */
export function mergeSharedProfile(
  name: string,
  configText: string,
  credentialsText: string,
): SharedProfile | undefined {
  const config = parseIni(configText);
  const credentials = parseIni(credentialsText);
  const fromConfig = config[`profile ${name}`] ??
    (name === "default" ? config.default : undefined);
  const fromCredentials = credentials[name];
  if (fromConfig === undefined && fromCredentials === undefined) {
    return undefined;
  }
  return { name, settings: { ...fromConfig, ...fromCredentials } };
}

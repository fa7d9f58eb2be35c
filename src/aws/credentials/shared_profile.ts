/**
 * The profile of the shared AWS files, as the SDK merges it: the section of
 * `AWS_PROFILE` (else `default`) in `AWS_CONFIG_FILE` (`~/.aws/config`,
 * where it is `[profile name]`, or `[default]`) overlaid by the same name in
 * `AWS_SHARED_CREDENTIALS_FILE` (`~/.aws/credentials`).
 *
 * @module
 */
import { join } from "node:path";
import { iniProblems, parseIni } from "./_ini.ts";
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

/** What {@linkcode readSharedProfile} found. */
export interface SharedProfileLookup {
  /** The profile; `undefined` when neither file names it. */
  readonly profile?: SharedProfile;
  /**
   * What an operator should hear of when no credentials are found: a file
   * that exists but cannot be read, lines the parser skipped, a profile
   * `AWS_PROFILE` names that neither file has. Never a value from a file.
   */
  readonly problems: readonly string[];
}

/**
 * Reads the profile (missing files count as empty), and what is wrong with
 * the files.
 */
export async function readSharedProfile(
  sources: Pick<CredentialSources, "env" | "readTextFile" | "homeDir">,
): Promise<SharedProfileLookup> {
  const { env, readTextFile, homeDir } = sources;
  const aws = homeDir === undefined ? undefined : join(homeDir, ".aws");
  const configPath = env.AWS_CONFIG_FILE ||
    (aws === undefined ? undefined : join(aws, "config"));
  const credentialsPath = env.AWS_SHARED_CREDENTIALS_FILE ||
    (aws === undefined ? undefined : join(aws, "credentials"));
  const problems: string[] = [];
  const [configText, credentialsText] = await Promise.all(
    [configPath, credentialsPath].map(async (path) => {
      if (path === undefined) return "";
      let text: string;
      try {
        text = await readTextFile(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) {
          problems.push(`cannot read ${path}: ${(error as Error).message}`);
        }
        return "";
      }
      for (const line of iniProblems(text)) {
        problems.push(
          `${path} line ${line} is neither a [section] header nor a 'key = value' setting`,
        );
      }
      return text;
    }),
  );
  const name = profileName(env);
  const profile = mergeSharedProfile(name, configText!, credentialsText!);
  if (profile === undefined && (env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE)) {
    problems.push(
      `profile '${name}' (AWS_PROFILE) is in neither ${
        configPath ?? "~/.aws/config"
      } nor ${credentialsPath ?? "~/.aws/credentials"}`,
    );
  }
  return { ...(profile === undefined ? {} : { profile }), problems };
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

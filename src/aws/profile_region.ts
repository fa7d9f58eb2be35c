/**
 * The `region` of the run's profile in the shared config file
 * (`AWS_CONFIG_FILE`, else `~/.aws/config`), the SDK's next place for a
 * region after `AWS_REGION` and `AWS_DEFAULT_REGION`.
 *
 * @module
 */
import { homedir } from "node:os";
import { join } from "node:path";
import {
  mergeSharedProfile,
  profileName,
} from "./credentials/shared_profile.ts";

/** Options for {@linkcode profileRegion}: the machine, replaceable in tests. */
export interface ProfileRegionOptions {
  /** Reads a file; throws when it is missing. @default {Deno.readTextFileSync} */
  readonly readTextFile?: (path: string) => string;
  /** Where `~/.aws/` is. @default {the home directory} */
  readonly homeDir?: string | undefined;
}

/**
 * The profile's region; `undefined` when the file, the profile or its
 * `region` is missing.
 *
 * @example Usage
 * ```ts ignore
 * profileRegion({ AWS_PROFILE: "harvest" }); // "eu-west-1" with [profile harvest] region = eu-west-1
 * ```
 */
export function profileRegion(
  env: Readonly<Record<string, string>>,
  options: ProfileRegionOptions = {},
): string | undefined {
  const { readTextFile = (path: string) => Deno.readTextFileSync(path) } =
    options;
  const home = "homeDir" in options ? options.homeDir : safeHomeDir();
  const path = env.AWS_CONFIG_FILE ||
    (home === undefined ? undefined : join(home, ".aws", "config"));
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readTextFile(path);
  } catch {
    return undefined;
  }
  return mergeSharedProfile(profileName(env), text, "")?.settings.region ||
    undefined;
}

function safeHomeDir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/**
 * What the credential providers read of the machine, passed in so tests can
 * give their own: the environment, files, the clock and `fetch`.
 *
 * @module
 */
import type { AwsFetch } from "../send_aws_request.ts";

/** The machine as the credential chain sees it. */
export interface CredentialSources {
  /** The environment (`AWS_*`). */
  readonly env: Readonly<Record<string, string>>;
  /** Reads a file (shared config, token files); rejects when it is missing. */
  readonly readTextFile: (path: string) => Promise<string>;
  /** The home directory, where `~/.aws/` is. */
  readonly homeDir: string | undefined;
  /** Sends requests to STS, the container endpoint and the metadata service. */
  readonly fetch: AwsFetch;
  /** Epoch milliseconds now. */
  readonly now: () => number;
}

import type { CheckpointSettings } from "../config/settings.ts";
import type { RunCommand } from "./run_record.ts";

/**
 * Where a command's last-run record lives: beside the checkpoint, in the
 * same store. `harvest` writes `<checkpoint>.last-run.json` (the S3 key plus
 * `.last-run.json` for an S3 checkpoint), `load_episodes`
 * `<checkpoint>.load_episodes.last-run.json`. Pure.
 */
export function runRecordLocation(
  checkpoint: CheckpointSettings,
  command: RunCommand,
): CheckpointSettings {
  const suffix = command === "harvest"
    ? ".last-run.json"
    : `.${command}.last-run.json`;
  return checkpoint.kind === "s3"
    ? { kind: "s3", bucket: checkpoint.bucket, key: checkpoint.key + suffix }
    : { kind: "file", path: checkpoint.path + suffix };
}

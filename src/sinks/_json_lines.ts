import type { ActionRecord } from "../record/action_record.ts";
import { encodeRecord } from "../record/encode_record.ts";

const encoder = new TextEncoder();

/** Encodes a page of records as JSON lines, one buffer for one write. */
export function encodeJsonLines(records: readonly ActionRecord[]): Uint8Array {
  let text = "";
  for (const record of records) text += encodeRecord(record) + "\n";
  return encoder.encode(text);
}

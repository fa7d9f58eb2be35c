/**
 * The send-only child of the limits benchmark: a fresh process that sends
 * ready records (a JSON file of pages) through the SQS sink, nothing else,
 * as the harvest's own process would send them. Its rate is what one run
 * could deliver at best on this machine, start-up and a cold JIT included;
 * the in-process send limit is the same work in a warmed-up process.
 *
 * Usage: `deno run -A bench/_send_child.ts <records.json> <sqs-endpoint> <queue>`
 *
 * @module
 */
import { createSqsSink } from "../src/sinks/sqs_sink.ts";
import type { ActionRecord } from "../src/record/action_record.ts";

const [file, endpoint, queue] = Deno.args;
if (file === undefined || endpoint === undefined || queue === undefined) {
  throw new Error("usage: _send_child.ts <records.json> <endpoint> <queue>");
}
const pages = JSON.parse(await Deno.readTextFile(file)) as ActionRecord[][];
await using sink = await createSqsSink({
  queue,
  endpoint,
  region: "us-east-1",
});
for (const page of pages) await sink.deliver(page);

import assert from "node:assert/strict";
import { openCheckpointStore } from "../../src/checkpoint/open_checkpoint_store.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import { loopbackAws } from "../support/loopback_aws.ts";

Deno.test("openCheckpointStore() creates no S3 bucket for a dry run, and one for a real run", async () => {
  await using fake = await startS3Fake();
  for (const dryRun of [true, false]) {
    await using store = await openCheckpointStore({
      checkpoint: { kind: "s3", bucket: "harvest-ts", key: "cp" },
      aws: loopbackAws(fake.url),
      dryRun,
    });
    assert.equal(store.description, "s3://harvest-ts/cp");
    assert.equal(fake.buckets.has("harvest-ts"), !dryRun, `dryRun ${dryRun}`);
  }
});

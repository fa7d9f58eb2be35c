import { join } from "node:path";
import { createS3Client } from "../../src/aws/s3_client.ts";
import { createFileCheckpointStore } from "../../src/checkpoint/file_checkpoint_store.ts";
import { createS3CheckpointStore } from "../../src/checkpoint/s3_checkpoint_store.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";
import { startS3Fake } from "../support/s3_fake.ts";
import {
  defineCheckpointStoreContract,
  type StoreFixture,
} from "./_checkpoint_store_contract.ts";

/** Closes the stores a fixture opened, newest first, then runs `close`. */
function closing(
  stores: CheckpointStore[],
  close: () => Promise<void>,
): () => Promise<void> {
  return async () => {
    try {
      for (const store of stores.reverse()) await store[Symbol.asyncDispose]();
    } finally {
      await close();
    }
  };
}

defineCheckpointStoreContract("createFileCheckpointStore()", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-store-" });
  // Directories that do not exist yet: the first save creates them.
  const path = join(dir, "state", "ua-harvest", "checkpoint.json");
  const stores: CheckpointStore[] = [];
  return {
    description: path,
    open() {
      const store = createFileCheckpointStore({ path });
      stores.push(store);
      return Promise.resolve(store);
    },
    async put(text) {
      await Deno.mkdir(join(dir, "state", "ua-harvest"), { recursive: true });
      await Deno.writeTextFile(path, text);
    },
    stored: () => Deno.readTextFile(path).catch(() => null),
    [Symbol.asyncDispose]: closing(
      stores,
      () => Deno.remove(dir, { recursive: true }),
    ),
  } satisfies StoreFixture;
});

defineCheckpointStoreContract("createS3CheckpointStore()", async () => {
  const fake = await startS3Fake();
  fake.createBucket("harvest-ts");
  const client = createS3Client({
    region: "us-east-1",
    endpoint: fake.url,
    forcePathStyle: true,
    credentials: () =>
      Promise.resolve({ accessKeyId: "test", secretAccessKey: "test" }),
    maxAttempts: 1,
  });
  const stores: CheckpointStore[] = [];
  return {
    description: "s3://harvest-ts/state/last-action-ts",
    async open() {
      const store = await createS3CheckpointStore({
        bucket: "harvest-ts",
        key: "state/last-action-ts",
        client,
      });
      stores.push(store);
      return store;
    },
    put(text) {
      fake.put("harvest-ts", "state/last-action-ts", text);
      return Promise.resolve();
    },
    stored: () =>
      Promise.resolve(fake.text("harvest-ts", "state/last-action-ts") ?? null),
    [Symbol.asyncDispose]: closing(stores, () => fake.close()),
  } satisfies StoreFixture;
});

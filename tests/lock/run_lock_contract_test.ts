import { join } from "node:path";
import { acquireFileRunLock } from "../../src/lock/file_run_lock.ts";
import { acquireRedisRunLock } from "../../src/lock/redis_run_lock.ts";
import { startRedisWithClient } from "../support/redis_client.ts";
import { holdInChild } from "../support/hold_in_child.ts";
import { defineRunLockContract } from "./_run_lock_contract.ts";

defineRunLockContract("acquireFileRunLock()", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ua-harvest-lock-" });
  const path = join(dir, "state", "checkpoint.json.lock");
  return {
    location: path,
    acquire: () => acquireFileRunLock({ path }),
    async leaveDeadHolder() {
      // Another process takes it and is killed: the kernel drops its lock.
      await Deno.mkdir(join(dir, "state"), { recursive: true });
      const child = await holdInChild(path);
      await child.kill();
      return { heldUntilExpiry: false, expire: () => Promise.resolve() };
    },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
});

defineRunLockContract("acquireRedisRunLock()", async () => {
  const redis = await startRedisWithClient();
  const { client } = redis;
  const key = "ua-harvest:lock:s3://harvest-ts/last-action-ts";
  return {
    location: key,
    acquire: () => acquireRedisRunLock({ client, key }),
    async leaveDeadHolder() {
      // What a run that died leaves: its key, which nobody renews.
      await client.send(["SET", key, "dead-run-token", "PX", 60_000]);
      return {
        heldUntilExpiry: true,
        async expire() {
          // Its time to live runs out (shortened here).
          await client.send(["PEXPIRE", key, 1]);
          while (await client.send(["EXISTS", key]) === 1) {
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
      };
    },
    [Symbol.asyncDispose]: () => redis[Symbol.asyncDispose](),
  };
});

import assert from "node:assert/strict";
import { ConfigError, EXIT_CODES } from "../../src/errors.ts";
import { loadCheckpoint } from "../../src/checkpoint/load_checkpoint.ts";
import type { CheckpointStore } from "../../src/checkpoint/checkpoint_store.ts";

function storeWith(text: string | null): CheckpointStore {
  return {
    description: "s3://bucket/key",
    load: () => Promise.resolve(text),
    save: () => Promise.reject(new Error("read only")),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
}

Deno.test("loadCheckpoint() is null before the first save", async () => {
  assert.equal(await loadCheckpoint(storeWith(null), "UTC"), null);
});

Deno.test("loadCheckpoint() reads the original's bare timestamp in the server zone", async () => {
  const checkpoint = await loadCheckpoint(
    storeWith("20240301100000"),
    "America/New_York",
  );
  assert.equal(checkpoint?.timestamp.toString(), "2024-03-01T15:00:00Z");
});

Deno.test("loadCheckpoint() names the store in the error for text that is no checkpoint", async () => {
  await assert.rejects(
    loadCheckpoint(storeWith("not a checkpoint"), "UTC"),
    /s3:\/\/bucket\/key/,
  );
});

Deno.test("loadCheckpoint() reads a checkpoint of the source this run reads, and today's and the original's formats as Opencast's", async () => {
  const opencast = [
    "20240301100000",
    '{"version":1,"timestamp":"2024-03-01T15:00:00Z","ids":[7],"cursor":{"day":"20240301","offset":5,"id":7}}',
    '{"version":1,"timestamp":"2024-03-01T15:00:00Z","ids":[7],"source":"opencast","position":{"cursor":{"day":"20240301","offset":5,"id":7}}}',
  ];
  for (const text of opencast) {
    const checkpoint = await loadCheckpoint(
      storeWith(text),
      "America/New_York",
      { source: "opencast" },
    );
    assert.equal(checkpoint?.timestamp.toString(), "2024-03-01T15:00:00Z");
  }
  const matomo = await loadCheckpoint(
    storeWith(
      '{"version":1,"timestamp":"2024-03-01T15:00:00Z","ids":[],"source":"matomo","position":{"visit":42}}',
    ),
    "UTC",
    { source: "matomo" },
  );
  assert.deepEqual(matomo?.position, { visit: 42 });
});

Deno.test("loadCheckpoint() refuses another source's checkpoint with a settings error that says to give each source its own", async () => {
  const cases: [string, string, string][] = [
    [
      '{"version":1,"timestamp":"2024-03-01T15:00:00Z","ids":[],"source":"matomo","position":{"visit":42}}',
      "opencast",
      "matomo",
    ],
    ["20240301100000", "matomo", "opencast"],
  ];
  for (const [text, reads, writtenBy] of cases) {
    await assert.rejects(
      loadCheckpoint(storeWith(text), "UTC", { source: reads }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.exitCode, EXIT_CODES.usage);
        assert.ok(!error.message.includes("\n"), "one line");
        assert.match(error.message, /s3:\/\/bucket\/key/);
        assert.match(
          error.message,
          new RegExp(`written by the ${writtenBy} source`),
        );
        assert.match(error.message, new RegExp(`this run reads ${reads}`));
        assert.match(error.message, /its own checkpoint/);
        return true;
      },
    );
  }
});

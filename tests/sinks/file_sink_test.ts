import assert from "node:assert/strict";
import { join } from "node:path";
import { openFileSink } from "../../src/sinks/file_sink.ts";
import { OutputError } from "../../src/errors.ts";
import type { ActionRecord } from "../../src/record/action_record.ts";
import { withTempDir } from "../support/temp_dir.ts";

function record(id: number): ActionRecord {
  return {
    action_id: id,
    timestamp: "2017-03-01T19:05:09+00:00",
    mpid: "mp",
    session_id: "s",
    huid: null,
    useragent: null,
    action: {
      type: "PLAY",
      inpoint: 0,
      outpoint: 0,
      length: 0,
      is_playing: true,
    },
    ip: "10.0.0.1",
    is_live: 0,
    episode: {},
  };
}

Deno.test("openFileSink() appends one JSON object per line across runs", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "out", "actions.jsonl");
    {
      await using sink = await openFileSink({ path });
      await sink.deliver([record(1), record(2)]);
    }
    {
      await using sink = await openFileSink({ path });
      await sink.deliver([record(3)]);
    }
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).action_id), [1, 2, 3]);
  });
});

Deno.test("openFileSink() cuts a torn last line left by a crash", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "actions.jsonl");
    await Deno.writeTextFile(
      path,
      JSON.stringify(record(1)) + "\n" + '{"action_id": 2, "time',
    );
    {
      await using sink = await openFileSink({ path });
      await sink.deliver([record(2)]);
    }
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).action_id), [1, 2]);
  });
});

Deno.test("openFileSink() resume() takes back records written after the saved position when all are redelivered", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "actions.jsonl");
    let saved;
    {
      await using sink = await openFileSink({ path });
      await sink.deliver([record(1), record(2)]);
      saved = sink.position!();
      // Written, then the process died before the checkpoint was saved.
      await sink.deliver([record(3), record(4)]);
    }
    await using sink = await openFileSink({ path });
    const cut = await sink.resume!(saved, (r) => r.action_id > 2);
    assert.equal(cut, 2);
    assert.deepEqual(sink.position!(), saved);
    await sink.deliver([record(3), record(4)]);
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).action_id), [1, 2, 3, 4]);
  });
});

Deno.test("openFileSink() resume() keeps the tail when some of it will not be delivered again, or is another file's", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "actions.jsonl");
    let saved;
    {
      await using sink = await openFileSink({ path });
      await sink.deliver([record(1)]);
      saved = sink.position!();
      await sink.deliver([record(2), record(3)]);
    }
    await using sink = await openFileSink({ path });
    assert.equal(await sink.resume!(saved, (r) => r.action_id === 3), 0);
    assert.equal(
      await sink.resume!(
        { ...saved, path: join(dir, "other.jsonl") },
        () => true,
      ),
      0,
    );
    const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
    assert.deepEqual(lines.map((l) => JSON.parse(l).action_id), [1, 2, 3]);
  });
});

Deno.test("openFileSink() on a full disk (/dev/full) throws one OutputError naming the file and the cause", async () => {
  await using sink = await openFileSink({ path: "/dev/full" });
  await assert.rejects(
    sink.deliver([record(1), record(2)]),
    (error: unknown) =>
      error instanceof OutputError && error.exitCode === 10 &&
      error.message.startsWith(
        "Cannot write to file:/dev/full: no space left on the device;",
      ),
  );
  assert.deepEqual(sink.position?.(), { path: "/dev/full", size: 0 });
});

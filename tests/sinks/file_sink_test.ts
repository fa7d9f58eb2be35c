import assert from "node:assert/strict";
import { join } from "node:path";
import { openFileSink } from "../../src/sinks/file_sink.ts";
import type { ActionRecord } from "../../src/harvest/action_record.ts";

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
  const dir = await Deno.makeTempDir();
  const path = join(dir, "out", "actions.jsonl");
  try {
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openFileSink() cuts a torn last line left by a crash", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "actions.jsonl");
  try {
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
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import {
  enrichInParts,
  type RecordPart,
} from "../../src/harvest/enrich_records.ts";
import { createEpisodeLookup } from "../../src/harvest/episode_lookup.ts";
import type { Episode } from "../../src/opencast/types.ts";
import { userAction } from "../support/user_action.ts";

Deno.test("enrichInParts() looks up the batch's episodes once and builds a record per action", async () => {
  const asked: string[][] = [];
  const lecture: Episode = { id: "mp-1", title: "Lecture", attachments: [] };
  const parts = await Array.fromAsync(
    enrichInParts([
      userAction(1, "2024-03-01T10:00:00-05:00", "mp-1"),
      userAction(2, "2024-03-01T10:00:01-05:00", "mp-2"),
      userAction(3, "2024-03-01T10:00:01-05:00", "mp-1"),
    ], {
      lookup(ids) {
        asked.push([...ids]);
        return Promise.resolve(new Map([["mp-1", lecture], ["mp-2", null]]));
      },
      // Nothing known before the lookup answers: the batch goes in one part.
      peek: () => undefined,
      pending: () => undefined,
    }).parts(),
  );
  assert.equal(asked.length, 1);
  assert.deepEqual(parts.map((part) => part.last), [true]);
  const records = parts[0]!.records;
  assert.deepEqual(records.map((r) => [r.action_id, r.episode.title]), [
    [1, "Lecture"],
    [2, undefined],
    [3, "Lecture"],
  ]);
  assert.equal(records[0]!.timestamp, "2024-03-01T15:00:00+00:00");
});

Deno.test("enrichInParts() asks nothing for an empty batch", async () => {
  const parts = await Array.fromAsync(
    enrichInParts([], {
      lookup: () => Promise.reject(new Error("must not be asked")),
      peek: () => undefined,
      pending: () => undefined,
    }).parts(),
  );
  assert.deepEqual(
    parts.map((part) => [part.actions, part.records, part.last]),
    [[[], [], true]],
  );
});

/** The part a `parts().next()` handed out. */
function partOf(result: IteratorResult<RecordPart, void>): RecordPart {
  assert.equal(result.done, false, "a part");
  return result.value as RecordPart;
}

/** A lookup over a cache holding `cached`; other episodes wait for `release()`. */
function controlledLookup(cached: readonly string[]) {
  const asked: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => release = resolve);
  const lookup = createEpisodeLookup({
    cache: {
      description: "memory",
      getMany: (keys) =>
        Promise.resolve(
          new Map(
            keys.filter((key) => cached.includes(key)).map((key) => [
              key,
              JSON.stringify({ id: key, title: `Cached ${key}` }),
            ]),
          ),
        ),
      setMany: () => Promise.resolve(),
      [Symbol.asyncDispose]: () => Promise.resolve(),
    },
    fetchEpisode: async (id) => {
      asked.push(id);
      await released;
      if (id === "mp-broken") throw new Error("engage node down");
      return { id, title: `Fetched ${id}`, attachments: [] };
    },
  });
  return { lookup, asked, release };
}

/** `count` actions from id `first` on, all of one mediapackage, one a second. */
function run(first: number, count: number, mediapackageId: string) {
  return Array.from(
    { length: count },
    (_, i) =>
      userAction(
        first + i,
        Temporal.Instant.from("2024-03-01T15:00:00Z").add({
          seconds: first + i,
        }).toString(),
        mediapackageId,
      ),
  );
}

Deno.test("enrichInParts() hands out the leading run of cached episodes while the others are still looked up", async () => {
  const { lookup, asked, release } = controlledLookup(["mp-cached"]);
  const actions = [...run(1, 150, "mp-cached"), ...run(151, 100, "mp-slow")];
  const parts = enrichInParts(actions, lookup).parts();
  const first = await parts.next();
  assert.deepEqual(asked, ["mp-slow"], "the slow episode is being fetched");
  assert.equal(partOf(first).last, false);
  assert.deepEqual(
    partOf(first).actions.map((a) => a.id),
    actions.slice(0, 150).map((a) => a.id),
  );
  assert.ok(
    partOf(first).records.every((r) => r.episode.title === "Cached mp-cached"),
  );
  release();
  const second = await parts.next();
  assert.equal(partOf(second).last, true);
  assert.deepEqual(
    partOf(second).records.map((r) => [r.action_id, r.episode.title]),
    actions.slice(150).map((a) => [a.id, "Fetched mp-slow"]),
  );
  assert.equal((await parts.next()).done, true);
});

Deno.test("enrichInParts() keeps the batch's order: an episode still looked up holds back the cached ones after it", async () => {
  const { lookup, release } = controlledLookup(["mp-cached"]);
  const actions = [...run(1, 1, "mp-slow"), ...run(2, 200, "mp-cached")];
  const parts = enrichInParts(actions, lookup).parts();
  let handedOut = false;
  const first = parts.next().then((result) => {
    handedOut = true;
    return result;
  });
  // Every lookup but the slow one has answered by now.
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(handedOut, false, "nothing goes out ahead of action 1");
  release();
  const only = await first;
  assert.equal(partOf(only).last, true);
  assert.deepEqual(
    partOf(only).actions.map((a) => a.id),
    actions.map((a) => a.id),
  );
  assert.equal((await parts.next()).done, true);
});

Deno.test("enrichInParts() waits for the whole batch when the known run is shorter than a part", async () => {
  const { lookup, release } = controlledLookup(["mp-cached"]);
  const actions = [...run(1, 99, "mp-cached"), ...run(100, 100, "mp-slow")];
  const batch = enrichInParts(actions, lookup);
  const parts = batch.parts();
  const first = parts.next();
  release();
  const only = await first;
  assert.equal(partOf(only).last, true);
  assert.equal(partOf(only).actions.length, 199);
  await batch.settled;
});

Deno.test("enrichInParts() fails the last part when an episode cannot be fetched, after handing out the run before it", async () => {
  const { lookup, release } = controlledLookup(["mp-cached"]);
  const actions = [...run(1, 120, "mp-cached"), ...run(121, 5, "mp-broken")];
  const parts = enrichInParts(actions, lookup).parts();
  const first = await parts.next();
  assert.equal(partOf(first).actions.length, 120);
  release();
  await assert.rejects(parts.next(), /Episode mp-broken: engage node down/);
});

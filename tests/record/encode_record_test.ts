import assert from "node:assert/strict";
import fc from "fast-check";
import { buildRecord } from "../../src/record/build_record.ts";
import { encodeRecord } from "../../src/record/encode_record.ts";
import { userAction } from "../support/user_action.ts";
import type { Episode, UserAction } from "../../src/opencast/types.ts";
import type { ViewerAction } from "../../src/record/viewer_action.ts";

const text = fc.string({ unit: "binary", maxLength: 12 });

const actionArb: fc.Arbitrary<UserAction> = fc.record({
  id: fc.nat(),
  mediapackageId: text,
  sessionId: text,
  userId: fc.option(text),
  userIp: fc.option(
    fc.array(fc.ipV4(), { minLength: 1, maxLength: 3 }).map((ips) =>
      ips.join(", ")
    ),
  ),
  userAgent: fc.option(text),
  inpoint: fc.integer(),
  outpoint: fc.integer(),
  length: fc.integer(),
  type: text,
  isPlaying: fc.constantFrom(0, 1, 2, true, false),
  created: fc.date({
    min: new Date("2000-01-01T00:00:00Z"),
    max: new Date("2040-01-01T00:00:00Z"),
    noInvalidDate: true,
  }).map((date) => date.toISOString().replace("Z", "+00:00")),
});

/** Actions as a source other than Opencast gives them: unknown fields `null`. */
const otherSourceArb: fc.Arbitrary<ViewerAction> = actionArb.chain((action) =>
  fc.record({
    inpoint: fc.option(fc.integer()),
    outpoint: fc.option(fc.integer()),
    length: fc.option(fc.integer()),
    isPlaying: fc.constant(null),
  }).map((unknown): ViewerAction => ({
    ...action,
    ...unknown,
    source: "matomo",
  }))
);

const episodeArb: fc.Arbitrary<Episode> = fc.record({
  id: text,
  title: fc.option(text, { nil: undefined }),
  duration: fc.option(fc.integer({ min: -1, max: 1e9 }), { nil: undefined }),
  seriesTitle: fc.option(text, { nil: undefined }),
  series: fc.option(fc.stringMatching(/^\d{11}$/), { nil: undefined }),
  dcType: fc.option(text, { nil: undefined }),
  dcDescription: fc.option(text, { nil: undefined }),
  attachments: fc.constant([]),
});

Deno.test("encodeRecord() writes exactly what JSON.stringify writes, also when records share an episode or carry a source", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(actionArb, otherSourceArb), {
        minLength: 1,
        maxLength: 5,
      }),
      fc.option(episodeArb),
      (actions, episode) => {
        // The same episode object for every action, as the lookup hands out.
        for (const action of actions) {
          const record = buildRecord(action, episode);
          assert.equal(encodeRecord(record), JSON.stringify(record));
        }
      },
    ),
  );
});

Deno.test("encodeRecord() keeps the episode the last key, after any proxies", () => {
  const record = buildRecord({
    ...userAction(7, "2024-03-02T11:00:00-05:00", "mp"),
    userId: null,
    userIp: "10.0.0.1, 10.0.0.2, 10.0.0.3",
    outpoint: 5,
    length: 5,
    type: "PLAY",
    isPlaying: 1,
  }, { id: "mp", title: 'Quote " and \\ and \u2028', attachments: [] });
  const parsed = JSON.parse(encodeRecord(record));
  assert.deepEqual(Object.keys(parsed).slice(-4), [
    "proxy1",
    "proxy2",
    "is_live",
    "episode",
  ]);
  assert.equal(parsed.episode.title, 'Quote " and \\ and \u2028');
});

Deno.test("encodeRecord() keeps the episode the last key after a record's source", () => {
  const record = buildRecord({
    id: 8,
    mediapackageId: "mp",
    sessionId: "9001",
    userId: null,
    userIp: null,
    userAgent: null,
    inpoint: null,
    outpoint: null,
    length: null,
    type: "PLAY",
    isPlaying: null,
    created: "2024-03-02T16:00:00Z",
    source: "matomo",
  }, { id: "mp", title: "T", attachments: [] });
  const text = encodeRecord(record);
  assert.equal(text, JSON.stringify(record));
  assert.deepEqual(Object.keys(JSON.parse(text)).slice(-2), [
    "source",
    "episode",
  ]);
});

import assert from "node:assert/strict";
import { ApiContractError } from "../../src/errors.ts";
import { buildRecord } from "../../src/record/build_record.ts";
import { buildEpisodeFields } from "../../src/record/episode_fields.ts";
import type { Episode, UserAction } from "../../src/opencast/types.ts";
import type { ViewerAction } from "../../src/record/viewer_action.ts";
import {
  expectedEpisodeFields,
  recordExample,
} from "../support/record_example.ts";

function action(overrides: Partial<UserAction> = {}): UserAction {
  return {
    id: 90412,
    mediapackageId: "3f6e0b2a-5d1c-4a8e-9b7f-1c2d3e4f5a6b",
    sessionId: "k1a9s8d7f6",
    userId: "10564321",
    userIp: "10.1.2.3, 192.0.2.10",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64)",
    inpoint: 1200,
    outpoint: 1230,
    length: 30,
    type: "HEARTBEAT",
    isPlaying: 1,
    created: "2017-03-01T14:05:09-05:00",
    ...overrides,
  };
}

function episode(overrides: Partial<Episode> = {}): Episode {
  return {
    id: "3f6e0b2a-5d1c-4a8e-9b7f-1c2d3e4f5a6b",
    title: "Lecture 4: Entropy",
    duration: 4213000,
    start: "2017-02-28T15:00:00Z",
    seriesTitle: "PHYS 181",
    series: "20170112345",
    dcCreated: "2017-02-28T10:00:00-05:00",
    dcType: "L04",
    dcDescription: "Statistical mechanics",
    attachments: [],
    ...overrides,
  };
}

Deno.test("buildRecord() reproduces the record-schema example byte for byte", () => {
  const record = buildRecord(action(), episode());
  assert.equal(JSON.stringify(record), JSON.stringify(recordExample()));
});

const timestampCases: [string, string, string][] = [
  ["a -04:00 offset", "2016-10-21T14:03:27-04:00", "2016-10-21T18:03:27+00:00"],
  ["a +05:30 offset", "2016-10-21T14:03:27+05:30", "2016-10-21T08:33:27+00:00"],
  ["Z", "2016-10-21T18:03:27Z", "2016-10-21T18:03:27+00:00"],
  ["a day change", "2016-12-31T22:30:00-04:00", "2017-01-01T02:30:00+00:00"],
  [
    "milliseconds",
    "2017-03-01T14:05:09.25-05:00",
    "2017-03-01T19:05:09.250000+00:00",
  ],
  [
    "nanoseconds (truncated to six digits)",
    "2017-03-01T19:05:09.123456789Z",
    "2017-03-01T19:05:09.123456+00:00",
  ],
  ["a zero fraction", "2017-03-01T19:05:09.000Z", "2017-03-01T19:05:09+00:00"],
];
for (const [name, created, expected] of timestampCases) {
  Deno.test(`buildRecord() converts created with ${name} to UTC`, () => {
    assert.equal(buildRecord(action({ created }), null).timestamp, expected);
  });
}

Deno.test("buildRecord() refuses a created time without an offset", () => {
  assert.throws(
    () => buildRecord(action({ created: "2017-03-01T14:05:09" }), null),
    (error: unknown) =>
      error instanceof ApiContractError && /90412/.test(error.message) &&
      /2017-03-01T14:05:09/.test(error.message),
  );
});

const ipCases: [string, string | null, Record<string, unknown>][] = [
  ["no userIp", null, { ip: null }],
  ["one address", "198.51.100.7", { ip: "198.51.100.7" }],
  ["one proxy", "203.0.113.45, 10.0.4.12", {
    ip: "203.0.113.45",
    proxy1: "10.0.4.12",
  }],
  ["two proxies", " 203.0.113.45 ,10.0.4.12,  10.0.0.1 ", {
    ip: "203.0.113.45",
    proxy1: "10.0.4.12",
    proxy2: "10.0.0.1",
  }],
  ["logging turned off", "-omitted-", { ip: "-omitted-" }],
];
for (const [name, userIp, expected] of ipCases) {
  Deno.test(`buildRecord() splits the address chain with ${name}`, () => {
    const record = buildRecord(action({ userIp }), null) as unknown as Record<
      string,
      unknown
    >;
    const addresses = Object.fromEntries(
      Object.entries(record).filter(([key]) => /^(ip|proxy\d+)$/.test(key)),
    );
    assert.deepEqual(addresses, expected);
  });
}

Deno.test("buildRecord() puts proxies between ip and is_live, in order", () => {
  const record = buildRecord(action({ userIp: "a, b, c" }), null);
  assert.deepEqual(Object.keys(record), [
    "action_id",
    "timestamp",
    "mpid",
    "session_id",
    "huid",
    "useragent",
    "action",
    "ip",
    "proxy1",
    "proxy2",
    "is_live",
    "episode",
  ]);
});

const playingCases: [boolean | number, boolean, 0 | 1][] = [
  [0, false, 0],
  [1, true, 0],
  [2, true, 1],
  [true, true, 0],
  [false, false, 0],
];
for (const [isPlaying, isPlayingOut, isLive] of playingCases) {
  Deno.test(`buildRecord() maps isPlaying ${isPlaying} to is_playing ${isPlayingOut}, is_live ${isLive}`, () => {
    const record = buildRecord(action({ isPlaying }), null);
    assert.equal(record.action.is_playing, isPlayingOut);
    assert.equal(record.is_live, isLive);
  });
}

Deno.test("buildRecord() carries null for a position, length and playing state the source does not know, with is_live 0", () => {
  const unknown: ViewerAction = {
    ...action(),
    inpoint: null,
    outpoint: null,
    length: null,
    isPlaying: null,
  };
  const record = buildRecord(unknown, null);
  assert.deepEqual(record.action, {
    type: "HEARTBEAT",
    inpoint: null,
    outpoint: null,
    length: null,
    is_playing: null,
  });
  assert.equal(record.is_live, 0);
});

Deno.test("buildRecord() gives a Matomo action's record its source, just before the episode, and no source key to Opencast's", () => {
  const matomo: ViewerAction = {
    id: 4711,
    mediapackageId: "mp-1",
    sessionId: "8812",
    userId: null,
    userIp: "192.0.2.0",
    userAgent: null,
    inpoint: null,
    outpoint: 95,
    length: null,
    type: "SEEK",
    isPlaying: null,
    created: "2024-03-01T15:00:00Z",
    source: "matomo",
  };
  const record = buildRecord(matomo, episode());
  assert.deepEqual(Object.keys(record).slice(-3), [
    "is_live",
    "source",
    "episode",
  ]);
  assert.equal(record.source, "matomo");
  assert.equal(record.is_live, 0);
  assert.equal(record.action.outpoint, 95);
  assert.equal(record.episode.title, "Lecture 4: Entropy");
  assert.ok(!("source" in buildRecord(action(), episode())));
});

Deno.test("buildRecord() gives huid null, not the string None, without a user id", () => {
  assert.equal(buildRecord(action({ userId: null }), null).huid, null);
});

Deno.test("buildRecord() passes session id and user agent through, null when absent", () => {
  const record = buildRecord(
    action({ sessionId: null, userAgent: null }),
    null,
  );
  assert.equal(record.session_id, null);
  assert.equal(record.useragent, null);
  assert.equal(record.mpid, "3f6e0b2a-5d1c-4a8e-9b7f-1c2d3e4f5a6b");
  assert.equal(record.action_id, 90412);
});

Deno.test("buildRecord() sends an action without an episode with episode {}", () => {
  assert.deepEqual(buildRecord(action(), null).episode, {});
});

// Each expectation is the example's fields (record_example.ts) with those
// named changed or left out, in the contract's order.
const episodeCases: [string, Partial<Episode>, Record<string, unknown>][] = [
  [
    "no series",
    { series: undefined },
    expectedEpisodeFields({}, ["series", "year", "term", "cdn"]),
  ],
  [
    "no duration",
    { duration: undefined },
    expectedEpisodeFields({}, ["duration"]),
  ],
  [
    "no series title",
    { seriesTitle: undefined },
    expectedEpisodeFields({}, ["course"]),
  ],
  [
    "no start (dcCreated in UTC instead)",
    { start: undefined },
    expectedEpisodeFields(),
  ],
  [
    "no start and no dcCreated",
    { start: undefined, dcCreated: undefined },
    expectedEpisodeFields({}, ["start"]),
  ],
  [
    "no type, description or title",
    { dcType: undefined, dcDescription: undefined, title: undefined },
    expectedEpisodeFields({}, ["type", "description", "title"]),
  ],
  ["a fractional duration", { duration: 4213000.7 }, expectedEpisodeFields()],
  [
    "a short series",
    { series: "2016" },
    expectedEpisodeFields({ series: "2016", year: "2016", term: "", cdn: "" }),
  ],
];
for (const [name, overrides, expected] of episodeCases) {
  Deno.test(`buildEpisodeFields() handles ${name}, omitting rather than nulling`, () => {
    const fields = buildEpisodeFields(episode(overrides));
    assert.equal(JSON.stringify(fields), JSON.stringify(expected));
    assert.ok(!Object.values(fields).includes(null));
  });
}

const dcCreatedCases: [string, string][] = [
  ["2016-10-21T13:30:00-04:00", "2016-10-21T17:30:00Z"],
  ["2016-10-21T23:30:00+05:30", "2016-10-21T18:00:00Z"],
  ["2016-10-21T17:30:00.5Z", "2016-10-21T17:30:00Z"],
];
for (const [dcCreated, start] of dcCreatedCases) {
  Deno.test(`buildEpisodeFields() turns dcCreated ${dcCreated} into start ${start}`, () => {
    assert.equal(
      buildEpisodeFields(episode({ start: undefined, dcCreated })).start,
      start,
    );
  });
}

Deno.test("buildEpisodeFields() keeps a given start as it is", () => {
  assert.equal(
    buildEpisodeFields(episode({ start: "2016-10-21T17:30:00Z" })).start,
    "2016-10-21T17:30:00Z",
  );
});

Deno.test("buildEpisodeFields() shares one frozen object per episode, which no consumer can change for the others", () => {
  const shared = episode({});
  const first = buildEpisodeFields(shared);
  const second = buildEpisodeFields(shared);
  assert.equal(
    first,
    second,
    "computed once, shared (its JSON is made once too)",
  );
  assert.ok(Object.isFrozen(first));
  assert.throws(() => {
    first.title = "changed by a consumer";
  }, TypeError);
  assert.equal(buildEpisodeFields(shared).title, "Lecture 4: Entropy");
  assert.ok(Object.isFrozen(buildEpisodeFields(null)));
});

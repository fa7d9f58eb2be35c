import assert from "node:assert/strict";
import {
  type Checkpoint,
  LEGACY_SOURCE,
  parseCheckpoint,
  serializeCheckpoint,
} from "../../src/checkpoint/checkpoint_format.ts";
import { ApiContractError } from "../../src/errors.ts";

const NY = "America/New_York";

function plain(checkpoint: Checkpoint) {
  return {
    timestamp: checkpoint.timestamp.toString(),
    ids: [...checkpoint.ids],
  };
}

Deno.test("serializeCheckpoint() writes the JSON format with the original's timestamp beside it", () => {
  assert.equal(
    serializeCheckpoint(
      {
        timestamp: Temporal.Instant.from("2016-10-21T18:03:27Z"),
        ids: [9120463, 9120458, 9120463],
      },
      NY,
    ),
    '{"version":1,"timestamp":"2016-10-21T18:03:27Z","last_action_ts":"20161021140327","zone":"America/New_York","ids":[9120458,9120463]}',
  );
});

const roundTrips: [string, Checkpoint, string][] = [
  ["with ids", {
    timestamp: Temporal.Instant.from("2016-10-21T18:03:27Z"),
    ids: [1, 2, 3],
  }, NY],
  ["without ids", {
    timestamp: Temporal.Instant.from("2017-01-01T05:00:00Z"),
    ids: [],
  }, NY],
  ["in the fall-back overlap's second hour", {
    timestamp: Temporal.Instant.from("2024-11-03T06:30:00Z"),
    ids: [42],
  }, NY],
  ["in UTC", {
    timestamp: Temporal.Instant.from("2024-11-03T06:30:00Z"),
    ids: [42],
  }, "UTC"],
];
for (const [name, checkpoint, zone] of roundTrips) {
  Deno.test(`parseCheckpoint() reads back what serializeCheckpoint() wrote ${name}`, () => {
    assert.deepEqual(
      plain(parseCheckpoint(serializeCheckpoint(checkpoint, zone), zone)),
      plain(checkpoint),
    );
  });
}

Deno.test("parseCheckpoint() trusts timestamp, not last_action_ts, whatever the zone now", () => {
  const text = serializeCheckpoint(
    { timestamp: Temporal.Instant.from("2016-10-21T18:03:27Z"), ids: [7] },
    NY,
  );
  assert.deepEqual(plain(parseCheckpoint(text, "Asia/Tokyo")), {
    timestamp: "2016-10-21T18:03:27Z",
    ids: [7],
  });
});

/** A read checkpoint as the cases expect it: its UTC instant and its ids. */
function read(timestamp: string, ids: number[] = []) {
  return { timestamp, ids };
}

const readCases: [string, string, string, ReturnType<typeof plain>][] = [
  [
    "the original's bare timestamp",
    "20161021140327",
    NY,
    read("2016-10-21T18:03:27Z"),
  ],
  [
    "a bare timestamp with a newline",
    "20161021140327\n",
    NY,
    read("2016-10-21T18:03:27Z"),
  ],
  [
    "a bare timestamp with spaces and CRLF",
    "  20161021140327\r\n",
    NY,
    read("2016-10-21T18:03:27Z"),
  ],
  [
    "a bare timestamp in winter",
    "20170101000000",
    NY,
    read("2017-01-01T05:00:00Z"),
  ],
  [
    "a bare timestamp in the fall-back overlap (the earlier)",
    "20241103013000",
    NY,
    read("2024-11-03T05:30:00Z"),
  ],
  [
    "a bare timestamp in UTC",
    "20161021140327",
    "UTC",
    read("2016-10-21T14:03:27Z"),
  ],
  [
    "JSON with an offset timestamp",
    '{"version":1,"timestamp":"2016-10-21T14:03:27-04:00","ids":[5]}',
    "UTC",
    read("2016-10-21T18:03:27Z", [5]),
  ],
  [
    "JSON without ids",
    '{"version":1,"timestamp":"2016-10-21T18:03:27Z"}',
    NY,
    read("2016-10-21T18:03:27Z"),
  ],
  [
    "JSON with a fraction (floored)",
    '{"version":1,"timestamp":"2016-10-21T18:03:27.9Z","ids":[]}',
    NY,
    read("2016-10-21T18:03:27Z"),
  ],
  [
    "pretty-printed JSON",
    '\n{\n  "version": 1,\n  "timestamp": "2016-10-21T18:03:27Z",\n  "ids": [1, 2]\n}\n',
    NY,
    read("2016-10-21T18:03:27Z", [1, 2]),
  ],
];
for (const [name, text, zone, expected] of readCases) {
  Deno.test(`parseCheckpoint() reads ${name}`, () => {
    assert.deepEqual(plain(parseCheckpoint(text, zone)), expected);
  });
}

const corruptCases: [string, string, RegExp][] = [
  ["an empty object", "", /expected JSON or a YYYYMMDDHHmmss/],
  ["whitespace", " \n", /expected JSON or a YYYYMMDDHHmmss/],
  ["HTML", "<html>Access Denied</html>", /'<html>Access Denied<\/html>'/],
  ["a short timestamp", "201610211403", /'201610211403'/],
  [
    "an impossible date",
    "20161321140327",
    /'20161321140327' is not a real date/,
  ],
  ["a JSON array", "[1,2]", /expected a JSON object/],
  ["JSON null", "null", /expected a JSON object/],
  [
    "an unknown version",
    '{"version":2,"timestamp":"2016-10-21T18:03:27Z"}',
    /unsupported version 2/,
  ],
  [
    "no version",
    '{"timestamp":"2016-10-21T18:03:27Z"}',
    /unsupported version undefined/,
  ],
  [
    "a timestamp without an offset",
    '{"version":1,"timestamp":"2016-10-21T18:03:27"}',
    /'timestamp' must be ISO 8601/,
  ],
  [
    "a numeric timestamp",
    '{"version":1,"timestamp":20161021140327}',
    /'timestamp' must be ISO 8601/,
  ],
  [
    "ids that are not integers",
    '{"version":1,"timestamp":"2016-10-21T18:03:27Z","ids":["1"]}',
    /'ids' must be a list of integers/,
  ],
  [
    "ids that are not a list",
    '{"version":1,"timestamp":"2016-10-21T18:03:27Z","ids":5}',
    /'ids' must be a list of integers/,
  ],
];
for (const [name, text, pattern] of corruptCases) {
  Deno.test(`parseCheckpoint() refuses ${name}, naming the store`, () => {
    assert.throws(
      () => parseCheckpoint(text, NY, { source: "s3://bucket/last-action-ts" }),
      (error: unknown) => {
        assert.ok(error instanceof ApiContractError, String(error));
        assert.ok(!error.message.includes("\n"), error.message);
        assert.match(error.message, /s3:\/\/bucket\/last-action-ts/);
        assert.match(error.message, pattern);
        return true;
      },
    );
  });
}

Deno.test("parseCheckpoint() shortens a long corrupt text in its message", () => {
  assert.throws(
    () => parseCheckpoint("x".repeat(500), NY),
    (error: unknown) =>
      error instanceof ApiContractError && error.message.length < 300 &&
      error.message.includes("the checkpoint store"),
  );
});

Deno.test("serializeCheckpoint() keeps a file output's position, which parseCheckpoint() reads back", () => {
  const text = serializeCheckpoint(
    {
      timestamp: Temporal.Instant.from("2016-10-21T18:03:27Z"),
      ids: [1],
      output: { path: "/data/actions.jsonl", size: 4096 },
    },
    NY,
  );
  assert.match(text, /"output":\{"path":"\/data\/actions.jsonl","size":4096\}/);
  assert.deepEqual(parseCheckpoint(text, NY).output, {
    path: "/data/actions.jsonl",
    size: 4096,
  });
  assert.equal(
    parseCheckpoint(
      '{"version":1,"timestamp":"2016-10-21T18:03:27Z","ids":[]}',
      NY,
    ).output,
    undefined,
  );
});

Deno.test("parseCheckpoint() rejects a malformed output position", () => {
  assert.throws(
    () =>
      parseCheckpoint(
        '{"version":1,"timestamp":"2016-10-21T18:03:27Z","output":{"path":"x","size":-1}}',
        NY,
      ),
    (error) =>
      error instanceof ApiContractError && /'output'/.test(error.message),
  );
});

Deno.test("serializeCheckpoint() writes the source and its position, which parseCheckpoint() reads back", () => {
  const position = { cursor: { day: "20261204", offset: 12345, id: 987654 } };
  const text = serializeCheckpoint(
    {
      timestamp: Temporal.Instant.from("2026-12-04T18:03:27Z"),
      ids: [987654],
      source: "opencast",
      position,
    },
    NY,
  );
  assert.match(
    text,
    /"ids":\[987654\],"source":"opencast","position":\{"cursor":\{"day":"20261204","offset":12345,"id":987654\}\}\}$/,
  );
  assert.ok(!/"cursor":\{"day"/.test(text.replace(/"position":.*$/, "")));
  const parsed = parseCheckpoint(text, NY);
  assert.equal(parsed.source, "opencast");
  assert.deepEqual(parsed.position, position);
  // Another source's position is any JSON value, kept as it is.
  const matomo = parseCheckpoint(
    serializeCheckpoint({
      timestamp: Temporal.Instant.from("2026-12-04T18:03:27Z"),
      ids: [],
      source: "matomo",
      position: [1, "two", { three: null }],
    }, NY),
    NY,
  );
  assert.equal(matomo.source, "matomo");
  assert.deepEqual(matomo.position, [1, "two", { three: null }]);
});

Deno.test("parseCheckpoint() reads a checkpoint written before sources had names as Opencast's, its top-level cursor as the position", () => {
  const cursor = { day: "20261204", offset: 12345, id: 987654 };
  const older = parseCheckpoint(
    `{"version":1,"timestamp":"2026-12-04T18:03:27Z","last_action_ts":"20261204130327","zone":"America/New_York","ids":[987654],"cursor":${
      JSON.stringify(cursor)
    }}`,
    NY,
  );
  assert.equal(older.source, undefined, "no name: Opencast's (LEGACY_SOURCE)");
  assert.deepEqual(older.position, { cursor });
  assert.equal(LEGACY_SOURCE, "opencast");
  // Without a cursor there is no position, and the bare timestamp has none.
  const plainJson = parseCheckpoint(
    '{"version":1,"timestamp":"2016-10-21T18:03:27Z"}',
    NY,
  );
  assert.equal(plainJson.position, undefined);
  assert.equal(plainJson.source, undefined);
  const bare = parseCheckpoint("20161021140327", NY);
  assert.deepEqual(Object.keys(bare).sort(), ["ids", "timestamp"]);
  // Written again, it is the new form: no top-level cursor.
  const rewritten = JSON.parse(
    serializeCheckpoint({ ...older, source: "opencast" }, NY),
  );
  assert.equal(rewritten.cursor, undefined);
  assert.deepEqual(rewritten.position, { cursor });
  assert.equal(rewritten.source, "opencast");
});

Deno.test("parseCheckpoint() rejects a source that names nothing", () => {
  for (const source of ['""', "7", '{"name":"opencast"}']) {
    assert.throws(
      () =>
        parseCheckpoint(
          `{"version":1,"timestamp":"2016-10-21T18:03:27Z","source":${source}}`,
          NY,
        ),
      (error: unknown) =>
        error instanceof ApiContractError && /'source'/.test(error.message),
    );
  }
});

Deno.test("serializeCheckpoint() names its writer, which parseCheckpoint() ignores, so two runs at one position write different texts", () => {
  const checkpoint = {
    timestamp: Temporal.Instant.from("2016-10-21T18:03:27Z"),
    ids: [9120458],
  };
  const a = serializeCheckpoint(checkpoint, "America/New_York", {
    writer: "run-a:1",
  });
  const b = serializeCheckpoint(checkpoint, "America/New_York", {
    writer: "run-b:1",
  });
  assert.notEqual(a, b);
  assert.deepEqual(
    parseCheckpoint(a, "America/New_York"),
    parseCheckpoint(b, "America/New_York"),
  );
  assert.equal(JSON.parse(a).writer, "run-a:1");
});

import assert from "node:assert/strict";
import type { Checkpoint } from "../../src/checkpoint/checkpoint_format.ts";
import { ConfigError } from "../../src/errors.ts";
import {
  type HarvestWindow,
  parseWindowFlag,
  resolveWindow,
  type ResolveWindowOptions,
} from "../../src/harvest/resolve_window.ts";

const NY = "America/New_York";
const NOW = Temporal.Instant.from("2016-10-21T18:10:00.400Z");

/** The options a test sets, with `--start`/`--end` as typed. */
type Overrides = Omit<Partial<ResolveWindowOptions>, "start" | "end"> & {
  start?: string;
  end?: string;
};

/** The options, the flags resolved as the settings resolve them (`parseWindowFlag()`). */
function options(overrides: Overrides = {}): ResolveWindowOptions {
  const { start, end, ...rest } = overrides;
  const zone = rest.zone ?? NY;
  return {
    now: NOW,
    zone: NY,
    intervalMinutes: 2,
    ...rest,
    ...(end === undefined ? {} : { end: parseWindowFlag(end, zone, "--end") }),
    ...(start === undefined
      ? {}
      : { start: parseWindowFlag(start, zone, "--start") }),
  };
}

function plain(window: HarvestWindow) {
  return {
    start: window.start.toString(),
    end: window.end.toString(),
    startSource: window.startSource,
    skipIds: [...window.skipIds],
  };
}

const checkpoint: Checkpoint = {
  timestamp: Temporal.Instant.from("2016-10-21T18:03:27Z"),
  ids: [9120458, 9120460],
};

const cases: [
  string,
  Overrides,
  ReturnType<typeof plain>,
][] = [
  ["nothing: now minus the interval to now", {}, {
    start: "2016-10-21T18:08:00.4Z",
    end: "2016-10-21T18:10:00.4Z",
    startSource: "interval",
    skipIds: [],
  }],
  ["a fractional interval", { intervalMinutes: 0.5 }, {
    start: "2016-10-21T18:09:30.4Z",
    end: "2016-10-21T18:10:00.4Z",
    startSource: "interval",
    skipIds: [],
  }],
  ["a checkpoint: from it, skipping its ids", { checkpoint }, {
    start: "2016-10-21T18:03:27Z",
    end: "2016-10-21T18:10:00.4Z",
    startSource: "checkpoint",
    skipIds: [9120458, 9120460],
  }],
  ["a null checkpoint", { checkpoint: null }, {
    start: "2016-10-21T18:08:00.4Z",
    end: "2016-10-21T18:10:00.4Z",
    startSource: "interval",
    skipIds: [],
  }],
  ["--start over the checkpoint, skipping nothing", {
    checkpoint,
    start: "20161021120000",
  }, {
    start: "2016-10-21T16:00:00Z",
    end: "2016-10-21T18:10:00.4Z",
    startSource: "flag",
    skipIds: [],
  }],
  ["--start and --end in the server zone", {
    start: "20161021120000",
    end: "20161021130000",
  }, {
    start: "2016-10-21T16:00:00Z",
    end: "2016-10-21T17:00:00Z",
    startSource: "flag",
    skipIds: [],
  }],
  ["--start and --end in another zone", {
    zone: "Asia/Kolkata",
    start: "20161021120000",
    end: "20161021130000",
  }, {
    start: "2016-10-21T06:30:00Z",
    end: "2016-10-21T07:30:00Z",
    startSource: "flag",
    skipIds: [],
  }],
  ["ISO 8601 flags with offsets", {
    start: "2016-10-21T12:00:00-04:00",
    end: "2016-10-21T18:00:00Z",
  }, {
    start: "2016-10-21T16:00:00Z",
    end: "2016-10-21T18:00:00Z",
    startSource: "flag",
    skipIds: [],
  }],
  ["--end with a checkpoint", { checkpoint, end: "20161021141000" }, {
    start: "2016-10-21T18:03:27Z",
    end: "2016-10-21T18:10:00Z",
    startSource: "checkpoint",
    skipIds: [9120458, 9120460],
  }],
  ["start equal to end", {
    start: "20161021120000",
    end: "20161021120000",
  }, {
    start: "2016-10-21T16:00:00Z",
    end: "2016-10-21T16:00:00Z",
    startSource: "flag",
    skipIds: [],
  }],
  ["a checkpoint a little ahead of this host's clock", {
    checkpoint: {
      timestamp: Temporal.Instant.from("2016-10-21T18:10:30Z"),
      ids: [7],
    },
  }, {
    start: "2016-10-21T18:10:30Z",
    end: "2016-10-21T18:10:30Z",
    startSource: "checkpoint",
    skipIds: [7],
  }],
];
for (const [name, overrides, expected] of cases) {
  Deno.test(`resolveWindow() with ${name}`, () => {
    assert.deepEqual(plain(resolveWindow(options(overrides))), expected);
  });
}

// America/New_York: 2024-03-10 02:00 EST jumps to 03:00 EDT; 2024-11-03 02:00
// EDT falls back to 01:00 EST.
const dstCases: [string, Overrides, string, string][] = [
  [
    "across spring forward (one real hour)",
    { start: "20240310013000", end: "20240310033000" },
    "2024-03-10T06:30:00Z",
    "2024-03-10T07:30:00Z",
  ],
  [
    "from inside the spring-forward gap (moved forward)",
    { start: "20240310023000", end: "20240310033000" },
    "2024-03-10T07:30:00Z",
    "2024-03-10T07:30:00Z",
  ],
  [
    "across fall back (three real hours)",
    { start: "20241103003000", end: "20241103023000" },
    "2024-11-03T04:30:00Z",
    "2024-11-03T07:30:00Z",
  ],
  [
    "from inside the fall-back overlap (the second 01:30, as the server reads it)",
    { start: "20241103013000", end: "20241103020000" },
    "2024-11-03T06:30:00Z",
    "2024-11-03T07:00:00Z",
  ],
  [
    "the interval across spring forward",
    { now: Temporal.Instant.from("2024-03-10T07:01:00Z") },
    "2024-03-10T06:59:00Z",
    "2024-03-10T07:01:00Z",
  ],
];
for (const [name, overrides, start, end] of dstCases) {
  Deno.test(`resolveWindow() in America/New_York ${name}`, () => {
    const window = resolveWindow(
      options({
        now: Temporal.Instant.from("2025-01-01T00:00:00Z"),
        ...overrides,
      }),
    );
    assert.equal(window.start.toString(), start);
    assert.equal(window.end.toString(), end);
  });
}

const errorCases: [string, Overrides, RegExp[]][] = [
  ["an end before the start", {
    start: "20161021130000",
    end: "20161021120000",
  }, [/--end 20161021120000 is before the start 20161021130000/, /--start/]],
  ["an end before the checkpoint", { checkpoint, end: "20161021120000" }, [
    /--end 20161021120000 is before the start 20161021140327/,
    /checkpoint/,
  ]],
  ["an end before now minus the interval", { end: "20161021140500" }, [
    /--end 20161021140500 is before the start/,
    /2 minutes/,
  ]],
  ["a malformed start", { start: "2016-10-21 noon" }, [
    /--start '2016-10-21 noon'/,
    /YYYYMMDDHHmmss/,
  ]],
  ["a malformed end", { end: "20161021" }, [/--end '20161021'/]],
  ["an impossible date", { start: "20160230120000" }, [
    /--start '20160230120000'/,
  ]],
  ["a start in the future", { start: "20161021141001" }, [
    /--start 20161021141001 is in the future/,
    /America\/New_York/,
  ]],
  ["an end in the future", { end: "2016-10-21T18:11:00Z" }, [
    /--end 2016-10-21T18:11:00Z is in the future/,
  ]],
  ["a checkpoint hours in the future", {
    checkpoint: {
      timestamp: Temporal.Instant.from("2016-10-21T22:03:27Z"),
      ids: [],
    },
  }, [
    /checkpoint 20161021180327/,
    /in the future/,
    /time zone \(America\/New_York\)/,
  ]],
  ["a zero interval", { intervalMinutes: 0 }, [/interval/]],
  ["a NaN interval", { intervalMinutes: NaN }, [/interval/]],
];
for (const [name, overrides, patterns] of errorCases) {
  Deno.test(`resolveWindow() refuses ${name} with one line naming the values`, () => {
    assert.throws(
      () => resolveWindow(options(overrides)),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.equal(error.exitCode, 2);
        assert.ok(!error.message.includes("\n"));
        for (const pattern of patterns) assert.match(error.message, pattern);
        return true;
      },
    );
  });
}

Deno.test("resolveWindow() allows the checkpoint no further ahead than maxClockSkewSeconds", () => {
  const ahead: Checkpoint = {
    timestamp: Temporal.Instant.from("2016-10-21T18:10:10Z"),
    ids: [],
  };
  assert.equal(
    resolveWindow(options({ checkpoint: ahead, maxClockSkewSeconds: 10 }))
      .startSource,
    "checkpoint",
  );
  assert.throws(
    () => resolveWindow(options({ checkpoint: ahead, maxClockSkewSeconds: 9 })),
    ConfigError,
  );
});

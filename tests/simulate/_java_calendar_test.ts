import assert from "node:assert/strict";
import {
  javaWallTime,
  parseDayParameter,
} from "../../src/simulate/_java_calendar.ts";

const NEW_YORK = "America/New_York";

function at(
  fields: Partial<Parameters<typeof javaWallTime>[0]>,
  timeZone = NEW_YORK,
): string {
  return javaWallTime({
    year: 2017,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
    ...fields,
  }, timeZone).toString();
}

Deno.test("javaWallTime() reads a repeated fall-back time as the second (standard) occurrence", () => {
  assert.equal(
    at({ month: 11, day: 5, hour: 1, minute: 30 }),
    "2017-11-05T06:30:00Z",
  );
  assert.equal(
    at({ month: 11, day: 5, hour: 0, minute: 59 }),
    "2017-11-05T04:59:00Z",
  );
});

Deno.test("javaWallTime() moves a spring-forward gap time forward", () => {
  // 02:30 does not exist: 03:30 EDT (07:30Z).
  assert.equal(
    at({ month: 3, day: 12, hour: 2, minute: 30 }),
    "2017-03-12T07:30:00Z",
  );
  assert.equal(
    at({ month: 3, day: 12, hour: 1, minute: 59, second: 59 }),
    "2017-03-12T06:59:59Z",
  );
});

Deno.test("javaWallTime() rolls months and days over like a lenient calendar", () => {
  assert.equal(at({ month: 10, day: 32 }, "UTC"), "2017-11-01T00:00:00Z");
  assert.equal(at({ month: 13, day: 1 }, "UTC"), "2018-01-01T00:00:00Z");
  assert.equal(at({ month: 0, day: 1 }, "UTC"), "2016-12-01T00:00:00Z");
  assert.equal(at({ month: 3, day: 0 }, "UTC"), "2017-02-28T00:00:00Z");
  assert.equal(at({ month: 2, day: 30 }, "UTC"), "2017-03-02T00:00:00Z");
  assert.equal(
    at({ hour: 23, minute: 59, second: 30, millisecond: 500 }, "UTC"),
    "2017-01-01T23:59:30.5Z",
  );
});

Deno.test("parseDayParameter() takes characters 0-3, 4-5 and 6-7 through Integer.parseInt", () => {
  assert.deepEqual(parseDayParameter("20161021"), {
    year: 2016,
    month: 10,
    day: 21,
  });
  assert.deepEqual(parseDayParameter("20161399tail"), {
    year: 2016,
    month: 13,
    day: 99,
  });
  assert.deepEqual(parseDayParameter("2016+1-1"), {
    year: 2016,
    month: 1,
    day: -1,
  });
  assert.equal(parseDayParameter("2016102"), null);
  assert.equal(parseDayParameter("2016-10-21"), null);
  assert.equal(parseDayParameter("abcd1021"), null);
});

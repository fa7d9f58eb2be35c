import assert from "node:assert/strict";
import {
  opencastPosition,
  readOpencastPosition,
} from "../../../src/source/opencast/opencast_position.ts";
import { parseCheckpoint } from "../../../src/checkpoint/checkpoint_format.ts";
import { ApiContractError } from "../../../src/errors.ts";

const NY = "America/New_York";

Deno.test("readOpencastPosition() reads back the day cursor opencastPosition() writes, and none when there is none", () => {
  const cursor = { day: "20261204", offset: 12345, id: 987654 };
  assert.deepEqual(readOpencastPosition(opencastPosition(cursor)), { cursor });
  assert.deepEqual(readOpencastPosition(undefined), {});
  assert.deepEqual(readOpencastPosition(null), {});
  assert.deepEqual(readOpencastPosition({}), {});
});

Deno.test("readOpencastPosition() reads the top-level cursor of a checkpoint written before sources had names", () => {
  const checkpoint = parseCheckpoint(
    '{"version":1,"timestamp":"2026-12-04T18:03:27Z","ids":[987654],"cursor":{"day":"20261204","offset":12345,"id":987654}}',
    NY,
  );
  assert.deepEqual(readOpencastPosition(checkpoint.position).cursor, {
    day: "20261204",
    offset: 12345,
    id: 987654,
  });
});

Deno.test("readOpencastPosition() rejects a malformed day cursor, in either form", () => {
  for (
    const cursor of [
      '{"day":"2026-12-04","offset":1,"id":1}',
      '{"day":"20261204","offset":0,"id":1}',
      '{"day":"20261204","offset":3}',
    ]
  ) {
    for (
      const text of [
        `{"version":1,"timestamp":"2016-10-21T18:03:27Z","cursor":${cursor}}`,
        `{"version":1,"timestamp":"2016-10-21T18:03:27Z","source":"opencast","position":{"cursor":${cursor}}}`,
      ]
    ) {
      assert.throws(
        () => readOpencastPosition(parseCheckpoint(text, NY).position),
        (error: unknown) =>
          error instanceof ApiContractError && /'cursor'/.test(error.message),
        text,
      );
    }
  }
  assert.throws(() => readOpencastPosition("elsewhere"), ApiContractError);
});

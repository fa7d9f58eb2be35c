import assert from "node:assert/strict";
import { ApiContractError } from "../../src/errors.ts";
import { normalizeActionPage } from "../../src/opencast/normalize_action_page.ts";
import type { UserAction } from "../../src/opencast/types.ts";
import { assertContractError } from "../support/assert_contract_error.ts";

/** The fields the normalizer passes through as they are. */
const PASSED_THROUGH = {
  id: 9120458,
  mediapackageId: "5f1c2a9e-7b3d-4c1e-9a6f-0d2e8b7c4a11",
  inpoint: 1835,
  outpoint: 1835,
  length: 0,
  type: "HEARTBEAT",
  isPlaying: 2,
  created: "2016-10-21T14:03:27-04:00",
} as const;

const DCE_ACTION = {
  ...PASSED_THROUGH,
  sessionId: {
    sessionId: "1x9qk3mwe0l2v1bq5z7hn3c8d",
    userId: 41288377,
    userIp: "203.0.113.45, 10.0.4.12",
    userAgent: "Mozilla/5.0",
  },
};

const DCE_EXPECTED: UserAction = {
  ...PASSED_THROUGH,
  sessionId: "1x9qk3mwe0l2v1bq5z7hn3c8d",
  userId: "41288377",
  userIp: "203.0.113.45, 10.0.4.12",
  userAgent: "Mozilla/5.0",
};

Deno.test("normalizeActionPage() reads the DCE shape with string counters and a numeric userId", () => {
  const page = normalizeActionPage({
    actions: {
      total: "2",
      offset: "0",
      limit: "1000",
      action: [DCE_ACTION, { ...DCE_ACTION, id: 9120463, isPlaying: 0 }],
    },
  });
  assert.equal(page.total, 2);
  assert.equal(page.offset, 0);
  assert.equal(page.limit, 1000);
  assert.deepEqual(page.actions[0], DCE_EXPECTED);
  assert.equal(page.actions[1]!.isPlaying, 0);
});

Deno.test("normalizeActionPage() reads a single action given as a bare object (OC 8+ counters)", () => {
  const page = normalizeActionPage({
    actions: {
      total: 1,
      offset: 0,
      limit: 10,
      action: { ...DCE_ACTION, isPlaying: true },
    },
  });
  assert.deepEqual(page.actions, [{ ...DCE_EXPECTED, isPlaying: true }]);
});

Deno.test("normalizeActionPage() reads an empty page whose action key is missing", () => {
  assert.deepEqual(
    normalizeActionPage({ actions: { total: 0, offset: 0, limit: 10 } }),
    { total: 0, offset: 0, limit: 10, actions: [] },
  );
});

Deno.test("normalizeActionPage() reads the MH 1.x flat session and fills absent fields with null", () => {
  const page = normalizeActionPage({
    actions: {
      total: "1",
      offset: "0",
      limit: "10",
      action: {
        id: 17,
        mediapackageId: "mp-1",
        sessionId: 123456,
        userId: "anonymous",
        userIp: "198.51.100.7",
        inpoint: 10,
        outpoint: 25,
        type: "FOOTPRINT",
        isPlaying: false,
        created: "2012-01-02T03:04:05Z",
      },
    },
  });
  assert.deepEqual(page.actions[0], {
    id: 17,
    mediapackageId: "mp-1",
    sessionId: "123456",
    userId: "anonymous",
    userIp: "198.51.100.7",
    userAgent: null,
    inpoint: 10,
    outpoint: 25,
    length: 15,
    type: "FOOTPRINT",
    isPlaying: false,
    created: "2012-01-02T03:04:05Z",
  });
});

Deno.test("normalizeActionPage() throws ApiContractError naming the endpoint for a malformed answer", () => {
  assertContractError(
    () => normalizeActionPage({ "search-results": {} }),
    "/usertracking/actions.json",
  );
  assert.throws(
    () => normalizeActionPage({ actions: { total: "many" } }),
    ApiContractError,
  );
  assert.throws(
    () =>
      normalizeActionPage({
        actions: { total: 1, action: { ...DCE_ACTION, id: undefined } },
      }),
    ApiContractError,
  );
});

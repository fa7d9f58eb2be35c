import assert from "node:assert/strict";
import type { SqsEntry } from "../../src/sinks/_sqs_batches.ts";
import {
  classifySqsBatchResult,
  isSqsThrottling,
} from "../../src/sinks/_sqs_retry.ts";

function entries(...ids: number[]): SqsEntry[] {
  return ids.map((id) => ({
    id: String(id),
    body: "{}",
    bytes: 2,
    actionId: id,
  }));
}

Deno.test("classifySqsBatchResult() accepts every entry of a full success", () => {
  const sent = entries(1, 2);
  const result = classifySqsBatchResult(sent, {
    Successful: [{ Id: "1" }, { Id: "2" }],
    Failed: [],
  });
  assert.deepEqual(result.accepted.map((e) => e.id), ["1", "2"]);
  assert.deepEqual(result.retry, []);
  assert.deepEqual(result.rejected, []);
});

Deno.test("classifySqsBatchResult() resends service faults and rejects sender faults", () => {
  const sent = entries(1, 2, 3, 4);
  const result = classifySqsBatchResult(sent, {
    Successful: [{ Id: "1" }],
    Failed: [
      { Id: "2", SenderFault: false, Code: "InternalError", Message: "oops" },
      {
        Id: "3",
        SenderFault: true,
        Code: "InvalidMessageContents",
        Message: "bad char",
      },
      {
        Id: "4",
        SenderFault: true,
        Code: "KmsThrottled",
        Message: "slow down",
      },
    ],
  });
  assert.deepEqual(result.accepted.map((e) => e.id), ["1"]);
  assert.deepEqual(result.retry.map((f) => [f.entry.id, f.code]), [[
    "2",
    "InternalError",
  ], ["4", "KmsThrottled"]]);
  assert.deepEqual(
    result.rejected.map((f) => [f.entry.id, f.code, f.message]),
    [["3", "InvalidMessageContents", "bad char"]],
  );
});

Deno.test("classifySqsBatchResult() resends entries the answer does not mention", () => {
  const result = classifySqsBatchResult(entries(1, 2), {
    Successful: [{ Id: "1" }],
  });
  assert.deepEqual(result.retry.map((f) => [f.entry.id, f.code]), [[
    "2",
    "Missing",
  ]]);
});

Deno.test("isSqsThrottling() tells throttling from passing faults", () => {
  for (
    const code of ["RequestThrottled", "ThrottlingException", "KmsThrottled"]
  ) {
    assert.equal(isSqsThrottling(code), true, code);
  }
  for (const code of ["InternalError", "ServiceUnavailable", "Missing"]) {
    assert.equal(isSqsThrottling(code), false, code);
  }
});

import assert from "node:assert/strict";
import { inCreatedOrder } from "../../src/checkpoint/in_created_order.ts";

const at = (second: number) => ({
  created: new Date(Date.UTC(2024, 2, 2, 10, 0, second, 500)).toISOString(),
});

Deno.test("inCreatedOrder() takes ascending and same-second actions as in order", () => {
  assert.equal(inCreatedOrder([], 0), true);
  assert.equal(inCreatedOrder([at(1), at(1), at(3)], 0), true);
});

Deno.test("inCreatedOrder() allows going back by at most the hold-back", () => {
  assert.equal(inCreatedOrder([at(5), at(1)], 0), false);
  assert.equal(inCreatedOrder([at(5), at(1)], 4), true);
  assert.equal(inCreatedOrder([at(5), at(9), at(4)], 4), false);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { ReplyParser } from "../../src/redis/reply_parser.ts";
import {
  type RedisReply,
  RedisReplyError,
} from "../../src/redis/redis_reply.ts";
import { ApiContractError } from "../../src/errors.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

function parseAll(text: string): RedisReply[] {
  return new ReplyParser().push(bytes(text));
}

Deno.test("ReplyParser parses every RESP2 type", () => {
  const replies = parseAll(
    "+OK\r\n-WRONGPASS invalid username-password pair\r\n:42\r\n:-7\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*0\r\n",
  );
  assert.equal(replies.length, 9);
  assert.deepEqual(replies.slice(0, 1), ["OK"]);
  const error = replies[1];
  assert.ok(error instanceof RedisReplyError);
  assert.equal(error.code, "WRONGPASS");
  assert.equal(error.message, "WRONGPASS invalid username-password pair");
  assert.deepEqual(replies.slice(2), [42, -7, "hello", "", null, null, []]);
});

Deno.test("ReplyParser parses nested arrays, with nulls and errors inside", () => {
  assert.deepEqual(
    parseAll("*3\r\n$1\r\na\r\n*2\r\n:1\r\n*1\r\n$-1\r\n*-1\r\n+after\r\n"),
    [["a", [1, [null]], null], "after"],
  );
  const [array] = parseAll("*2\r\n+OK\r\n-ERR no\r\n");
  assert.ok(Array.isArray(array));
  assert.equal(array[0], "OK");
  assert.ok(array[1] instanceof RedisReplyError);
});

Deno.test("ReplyParser reads a bulk string's bytes as they are: CRLF inside, UTF-8 across chunks", () => {
  const parser = new ReplyParser();
  const value = "a\r\nZürich ✓";
  const wire = bytes(`$${bytes(value).length}\r\n${value}\r\n`);
  // Split inside the two-byte "ü".
  const cut = wire.indexOf(0xc3) + 1;
  assert.deepEqual(parser.push(wire.subarray(0, cut)), []);
  assert.equal(parser.midReply, true);
  assert.deepEqual(parser.push(wire.subarray(cut)), [value]);
  assert.equal(parser.midReply, false);
});

Deno.test("ReplyParser returns nothing until a reply is complete, and keeps what follows", () => {
  const parser = new ReplyParser();
  assert.deepEqual(parser.push(bytes("*2\r\n$3\r\nfo")), []);
  assert.deepEqual(parser.push(bytes("o\r\n")), []);
  assert.deepEqual(parser.push(bytes("$3\r\nbar\r\n+O")), [["foo", "bar"]]);
  assert.deepEqual(parser.push(bytes("K\r")), []);
  assert.deepEqual(parser.push(bytes("\n")), ["OK"]);
});

Deno.test("ReplyParser parses a reply of several megabytes fed in small chunks", () => {
  const big = "x".repeat(3 * 1024 * 1024);
  const wire = bytes(`*2\r\n$${big.length}\r\n${big}\r\n:1\r\n`);
  const parser = new ReplyParser();
  const replies: RedisReply[] = [];
  for (let at = 0; at < wire.length; at += 64 * 1024) {
    replies.push(...parser.push(wire.subarray(at, at + 64 * 1024)));
  }
  assert.equal(replies.length, 1);
  const [value, one] = replies[0] as [string, number];
  assert.equal(value.length, big.length);
  assert.equal(one, 1);
});

Deno.test("ReplyParser refuses what is not RESP2 with an ApiContractError", () => {
  for (
    const wire of [
      "HTTP/1.1 400 Bad Request\r\n",
      ":12a\r\n",
      "$3\r\nabcd\r\n",
      "$-2\r\n",
      "*-5\r\n",
      "+OK\rX",
    ]
  ) {
    assert.throws(
      () => new ReplyParser().push(bytes(wire)),
      (error: unknown) =>
        error instanceof ApiContractError && /not RESP2/.test(error.message),
      wire,
    );
  }
});

Deno.test("ReplyParser refuses a reply larger than anything the tool stores before it arrives, and names a TLS answer", () => {
  const cases: [string, RegExp][] = [
    // A bulk string is refused on its header, before its bytes are kept.
    [
      "$536870000\r\n",
      /^Redis sent a bulk string of 536870000 bytes, more than the 64 MiB the episode cache and run lock ever store: is REDIS_URL the Redis this tool writes to$/,
    ],
    [
      "*2000000000\r\n",
      /^Redis sent an array of 2000000000 elements, more than the 1048576 the episode cache and run lock ever ask for/,
    ],
    // A TLS alert (a TLS port spoken to in plain text).
    [
      "\x15\x03\x03\x00\x02\x02\x46",
      /^Redis answered in TLS, not RESP2: this port speaks TLS, so the URL must start with rediss:\/\/$/,
    ],
  ];
  for (const [wire, message] of cases) {
    assert.throws(
      () => new ReplyParser().push(bytes(wire)),
      (error: unknown) =>
        error instanceof ApiContractError && message.test(error.message),
      JSON.stringify(wire),
    );
  }
  // Many bulk strings inside one reply: the reply as a whole is bounded.
  const parser = new ReplyParser({ maxReplyBytes: 1024 * 1024 });
  const value = "x".repeat(64 * 1024);
  parser.push(bytes("*1000\r\n"));
  assert.throws(
    () => {
      for (let i = 0; i < 1000; i++) {
        parser.push(bytes(`$${value.length}\r\n${value}\r\n`));
      }
    },
    /^ApiContractError: Redis sent a reply of more than 1 MiB, more than the episode cache and run lock ever store: is REDIS_URL the Redis this tool writes to$/,
  );
  // A reply within the bound after it parses as usual.
  const fresh = new ReplyParser({ maxReplyBytes: 1024 * 1024 });
  assert.deepEqual(fresh.push(bytes("*2\r\n$1\r\na\r\n:1\r\n+OK\r\n")), [
    ["a", 1],
    "OK",
  ]);
});

/** Replies as the server sends them, with what they parse to. */
const replyArbitrary: fc.Arbitrary<{ wire: string; value: unknown }> = fc
  .letrec((tie) => ({
    reply: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.string({ unit: "grapheme" }).filter((s) => !/[\r\n]/.test(s)).map((
        s,
      ) => ({ wire: `+${s}\r\n`, value: s })),
      fc.stringMatching(/^[A-Z]{1,9}( [a-z ]{0,20})?$/).map((s) => ({
        wire: `-${s}\r\n`,
        value: { error: s },
      })),
      fc.maxSafeInteger().map((n) => ({ wire: `:${n}\r\n`, value: n })),
      fc.string({ unit: "binary" }).map((s) => ({
        wire: `$${encoder.encode(s).length}\r\n${s}\r\n`,
        // What survives UTF-8 (a lone surrogate does not).
        value: new TextDecoder().decode(encoder.encode(s)),
      })),
      fc.constant({ wire: "$-1\r\n", value: null }),
      fc.constant({ wire: "*-1\r\n", value: null }),
      fc.array(tie("reply") as fc.Arbitrary<{ wire: string; value: unknown }>, {
        maxLength: 5,
      }).map((items) => ({
        wire: `*${items.length}\r\n${items.map((i) => i.wire).join("")}`,
        value: items.map((i) => i.value),
      })),
    ),
  })).reply;

/** Error replies as plain objects, so deepEqual can compare them. */
function plain(reply: RedisReply): unknown {
  if (reply instanceof RedisReplyError) return { error: reply.message };
  if (Array.isArray(reply)) return reply.map(plain);
  return reply;
}

Deno.test("ReplyParser parses any replies the same however the stream is split (property)", () => {
  fc.assert(
    fc.property(
      fc.array(replyArbitrary, { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 12 }),
      (replies, cutSeeds) => {
        const wire = encoder.encode(replies.map((r) => r.wire).join(""));
        const cuts = [...new Set(cutSeeds.map((seed) => seed % wire.length))]
          .sort((a, b) => a - b);
        const parser = new ReplyParser();
        const parsed: RedisReply[] = [];
        let from = 0;
        for (const cut of [...cuts, wire.length]) {
          parsed.push(...parser.push(wire.subarray(from, cut)));
          from = cut;
        }
        assert.deepEqual(parsed.map(plain), replies.map((r) => r.value));
        assert.equal(parser.midReply, false);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("ReplyParser parses a stream fed one byte at a time like the whole (property)", () => {
  fc.assert(
    fc.property(fc.array(replyArbitrary, { maxLength: 4 }), (replies) => {
      const wire = encoder.encode(replies.map((r) => r.wire).join(""));
      const parser = new ReplyParser();
      const parsed: RedisReply[] = [];
      for (let i = 0; i < wire.length; i++) {
        parsed.push(...parser.push(wire.subarray(i, i + 1)));
      }
      assert.deepEqual(parsed.map(plain), replies.map((r) => r.value));
    }),
    { numRuns: 100 },
  );
});

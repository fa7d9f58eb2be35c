/**
 * Parses RESP2 replies from a byte stream, chunk by chunk as the socket
 * delivers them: a reply may end in the middle of a chunk, span many chunks,
 * or share a chunk with the next ones. Pure (no I/O).
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";
import { type RedisReply, RedisReplyError } from "./redis_reply.ts";

/**
 * The largest bulk string taken: an episode's metadata is kilobytes, a lock
 * holder bytes. Redis itself would send up to 512 MiB (`proto-max-bulk-len`),
 * which, buffered, is more than a run's whole memory.
 */
const MAX_BULK_BYTES = 64 * 1024 * 1024;
/** More elements than any reply this tool asks for (an MGET of one page's episodes). */
const MAX_ARRAY_LENGTH = 1024 * 1024;
/** The most bytes of one reply, all its elements together. */
const MAX_REPLY_BYTES = 256 * 1024 * 1024;
/** The first byte of a TLS record: an alert (21) or a handshake (22). */
const TLS_RECORD_BYTES = new Set([0x15, 0x16]);

const INITIAL_BUFFER_BYTES = 16 * 1024;
const MAX_IDLE_BUFFER_BYTES = 1024 * 1024;

const CR = 13;
const LF = 10;
const INTEGER_REGEXP = /^-?\d+$/;

/** An array whose elements are still arriving. */
interface Frame {
  readonly items: RedisReply[];
  readonly length: number;
}

const NEED_MORE = Symbol("need more bytes");
const ARRAY_OPENED = Symbol("array opened");

/**
 * An incremental RESP2 parser: feed it every chunk in order, and it returns
 * the replies completed so far, in order. Partial replies are kept (only the
 * bytes not yet consumed, and the elements of arrays already parsed), so a
 * large reply is parsed once however it is split.
 *
 * Bulk strings are decoded as UTF-8 (invalid sequences become U+FFFD);
 * integers become numbers (exact up to 2^53).
 *
 * @example Usage
 * ```ts
 * const parser = new ReplyParser();
 * parser.push(new TextEncoder().encode("+OK\r\n$5\r\nhel")); // ["OK"]
 * parser.push(new TextEncoder().encode("lo\r\n")); // ["hello"]
 * ```
 */
export class ReplyParser {
  #buffer = new Uint8Array(INITIAL_BUFFER_BYTES);
  #start = 0;
  #end = 0;
  #frames: Frame[] = [];
  /** Bytes of the reply being parsed, consumed so far. */
  #replyBytes = 0;
  #maxReplyBytes: number;
  #decoder = new TextDecoder();

  /**
   * @param options.maxReplyBytes The most bytes of one reply, all its
   * elements together (tests pass a small one). @default {256 MiB}
   */
  constructor(options: { readonly maxReplyBytes?: number } = {}) {
    this.#maxReplyBytes = options.maxReplyBytes ?? MAX_REPLY_BYTES;
  }

  /** Whether part of a reply has been received and not yet returned. */
  get midReply(): boolean {
    return this.#end > this.#start || this.#frames.length > 0;
  }

  /**
   * Takes the next chunk of the stream and returns the replies it completed.
   *
   * @throws {ApiContractError} when the bytes are not RESP2; the parser is
   * then of no further use (the connection must be dropped)
   */
  push(chunk: Uint8Array): RedisReply[] {
    this.#append(chunk);
    const replies: RedisReply[] = [];
    while (true) {
      const parsed = this.#parseOne();
      if (parsed === NEED_MORE) break;
      if (parsed === ARRAY_OPENED) continue;
      let value: RedisReply = parsed;
      // Complete every array this value completes, innermost first.
      while (true) {
        const frame = this.#frames.at(-1);
        if (frame === undefined) {
          replies.push(value);
          this.#replyBytes = 0;
          break;
        }
        frame.items.push(value);
        if (frame.items.length < frame.length) break;
        this.#frames.pop();
        value = frame.items;
      }
    }
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      // A large reply's buffer is not kept for the small ones after it.
      if (this.#buffer.length > MAX_IDLE_BUFFER_BYTES) {
        this.#buffer = new Uint8Array(INITIAL_BUFFER_BYTES);
      }
    }
    return replies;
  }

  #append(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      // Room is made by dropping what was consumed, and by doubling the
      // buffer when that is not enough: every byte is copied a bounded
      // number of times, however a large reply is split.
      const kept = this.#end - this.#start;
      if (kept + chunk.length <= this.#buffer.length) {
        this.#buffer.copyWithin(0, this.#start, this.#end);
      } else {
        const larger = new Uint8Array(
          Math.max(kept + chunk.length, this.#buffer.length * 2),
        );
        larger.set(this.#buffer.subarray(this.#start, this.#end), 0);
        this.#buffer = larger;
      }
      this.#start = 0;
      this.#end = kept;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** One element: a finished value, an opened array, or `NEED_MORE` (nothing consumed). */
  #parseOne(): RedisReply | typeof NEED_MORE | typeof ARRAY_OPENED {
    const start = this.#start;
    const parsed = this.#parseElement();
    if (parsed !== NEED_MORE) {
      this.#replyBytes += this.#start - start;
      if (this.#replyBytes > this.#maxReplyBytes) {
        throw tooLarge(
          `a reply of more than ${mebibytes(this.#maxReplyBytes)}, more than`,
        );
      }
    }
    return parsed;
  }

  #parseElement(): RedisReply | typeof NEED_MORE | typeof ARRAY_OPENED {
    const start = this.#start;
    if (start >= this.#end) return NEED_MORE;
    if (TLS_RECORD_BYTES.has(this.#buffer[start]!)) {
      throw new ApiContractError(
        "Redis answered in TLS, not RESP2: this port speaks TLS, so the URL must start with rediss://",
      );
    }
    const lineEnd = this.#lineEnd(start);
    if (lineEnd < 0) return NEED_MORE;
    const type = this.#buffer[start]!;
    const next = lineEnd + 2;
    switch (type) {
      case 0x2b: { // '+' simple string
        const text = this.#decoder.decode(
          this.#buffer.subarray(start + 1, lineEnd),
        );
        this.#start = next;
        return text;
      }
      case 0x2d: { // '-' error
        const text = this.#decoder.decode(
          this.#buffer.subarray(start + 1, lineEnd),
        );
        this.#start = next;
        return new RedisReplyError(text);
      }
      case 0x3a: { // ':' integer
        const value = this.#integer(start + 1, lineEnd);
        this.#start = next;
        return value;
      }
      case 0x24: { // '$' bulk string
        const length = this.#integer(start + 1, lineEnd);
        if (length === -1) {
          this.#start = next;
          return null;
        }
        if (length < -1) {
          throw protocolError(`a bulk string of length ${length}`);
        }
        if (length > MAX_BULK_BYTES) {
          throw tooLarge(
            `a bulk string of ${length} bytes, more than the ${
              mebibytes(MAX_BULK_BYTES)
            }`,
          );
        }
        const dataEnd = next + length;
        if (dataEnd + 2 > this.#end) return NEED_MORE;
        if (
          this.#buffer[dataEnd] !== CR || this.#buffer[dataEnd + 1] !== LF
        ) {
          throw protocolError(
            `a bulk string of ${length} bytes not followed by CRLF`,
          );
        }
        const text = this.#decoder.decode(
          this.#buffer.subarray(next, dataEnd),
        );
        this.#start = dataEnd + 2;
        return text;
      }
      case 0x2a: { // '*' array
        const length = this.#integer(start + 1, lineEnd);
        this.#start = next;
        if (length === -1) return null;
        if (length < -1) {
          throw protocolError(`an array of length ${length}`);
        }
        if (length > MAX_ARRAY_LENGTH) {
          throw new ApiContractError(
            `Redis sent an array of ${length} elements, more than the ${MAX_ARRAY_LENGTH} the episode cache and run lock ever ask for: is REDIS_URL the Redis this tool writes to`,
          );
        }
        if (length === 0) return [];
        this.#frames.push({ items: [], length });
        return ARRAY_OPENED;
      }
      default:
        throw protocolError(
          `a reply starting with byte ${type} (${
            JSON.stringify(String.fromCharCode(type))
          })`,
        );
    }
  }

  /** The index of the CR of the CRLF ending the line at `from`; -1 if it has not arrived. */
  #lineEnd(from: number): number {
    const cr = this.#buffer.subarray(from, this.#end).indexOf(CR);
    if (cr < 0) return -1;
    const at = from + cr;
    if (at + 1 >= this.#end) return -1;
    if (this.#buffer[at + 1] !== LF) {
      throw protocolError("a CR not followed by LF");
    }
    return at;
  }

  #integer(from: number, to: number): number {
    const text = this.#decoder.decode(this.#buffer.subarray(from, to));
    if (!INTEGER_REGEXP.test(text)) {
      throw protocolError(`"${text.slice(0, 20)}" where a number belongs`);
    }
    return Number(text);
  }
}

/** A reply larger than anything the tool stores: refused before it is buffered. */
function tooLarge(what: string): ApiContractError {
  return new ApiContractError(
    `Redis sent ${what} the episode cache and run lock ever store: is REDIS_URL the Redis this tool writes to`,
  );
}

function mebibytes(bytes: number): string {
  return `${bytes / 1024 / 1024} MiB`;
}

function protocolError(what: string): ApiContractError {
  return new ApiContractError(
    `Redis sent ${what}, which is not RESP2: is this port a Redis server`,
  );
}

/**
 * Encodes a Redis command as RESP2: an array of bulk strings, the only form
 * a server must accept (`*<count>\r\n` then `$<bytes>\r\n<bytes>\r\n` for
 * each argument). Pure.
 *
 * @module
 */

/** One argument of a command: text (sent as UTF-8), a number (sent as its decimal text) or raw bytes. */
export type RedisArgument = string | number | Uint8Array;

/** A command and its arguments, e.g. `["SET", "key", "value", "PX", 60000]`. */
export type RedisCommand = readonly RedisArgument[];

const encoder = new TextEncoder();
const CRLF = [13, 10] as const;

/**
 * The bytes of `command` on the wire.
 *
 * @example Usage
 * ```ts
 * new TextDecoder().decode(encodeCommand(["GET", "k"])); // "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
 * ```
 *
 * @throws {RangeError} for an empty command or a number that is not finite
 */
export function encodeCommand(command: RedisCommand): Uint8Array {
  if (command.length === 0) {
    throw new RangeError("Cannot encode a Redis command: it has no name");
  }
  const parts = command.map(toBytes);
  const header = encoder.encode(`*${parts.length}\r\n`);
  const lengths = parts.map((part) => encoder.encode(`$${part.length}\r\n`));
  let size = header.length;
  for (let i = 0; i < parts.length; i++) {
    size += lengths[i]!.length + parts[i]!.length + 2;
  }
  const bytes = new Uint8Array(size);
  bytes.set(header, 0);
  let at = header.length;
  for (let i = 0; i < parts.length; i++) {
    bytes.set(lengths[i]!, at);
    at += lengths[i]!.length;
    bytes.set(parts[i]!, at);
    at += parts[i]!.length;
    bytes.set(CRLF, at);
    at += 2;
  }
  return bytes;
}

function toBytes(argument: RedisArgument): Uint8Array {
  if (argument instanceof Uint8Array) return argument;
  if (typeof argument === "number") {
    if (!Number.isFinite(argument)) {
      throw new RangeError(
        `Cannot encode a Redis command: a number argument must be finite: current value is ${argument}`,
      );
    }
    return encoder.encode(String(argument));
  }
  return encoder.encode(argument);
}

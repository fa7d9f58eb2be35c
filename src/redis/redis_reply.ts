/**
 * What a Redis server answers, as the RESP2 parser hands it on: the value
 * types of the protocol, and the error reply as an error class.
 *
 * @module
 */
import { ApiContractError } from "../errors.ts";

/**
 * One RESP2 reply: a simple or bulk string (decoded as UTF-8), an integer, a
 * null bulk string or null array (`null`), an array (nested at will), or an
 * error reply inside an array (an error reply on its own rejects the command
 * instead).
 */
export type RedisReply =
  | string
  | number
  | null
  | RedisReplyError
  | readonly RedisReply[];

/**
 * An error reply from Redis (`-ERR …`, `-WRONGPASS …`, `-READONLY …`): the
 * server understood the command and refused it, so it is an answer the tool
 * cannot use (exit 5) unless the caller knows better (a wrong password is an
 * authentication error).
 */
export class RedisReplyError extends ApiContractError {
  /** The error's first word as Redis sends it, e.g. `ERR`, `WRONGPASS`, `NOAUTH`. */
  readonly code: string;

  /** Creates the error from the text of the reply, without its leading `-`. */
  constructor(reply: string) {
    super(reply);
    this.code = /^\S*/.exec(reply)![0];
  }
}

/**
 * A small Redis client over `Deno.connect` / `Deno.connectTls` speaking
 * RESP2: what the episode cache, the run lock and `status` need, and no
 * more. It replaced ioredis, whose loading alone cost a cron run 80–230 ms.
 *
 * One connection, pipelined: every command is written at once (the commands
 * of one tick in one write) and the replies are matched to them in order.
 * After the connection dropped it is opened again, for as long as the
 * client is open, and every attempt and every reconnection is announced as
 * an event, so the run lock can check that its key survived.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { ApiContractError, UnreachableError } from "../errors.ts";
import { encodeCommand, type RedisCommand } from "./encode_command.ts";
import { ReplyParser } from "./reply_parser.ts";
import { type RedisReply, RedisReplyError } from "./redis_reply.ts";
import type { RedisAddress } from "./parse_redis_url.ts";
import { concatBytes } from "../util/concat_bytes.ts";
import { writeAll } from "../util/write_all.ts";

const logger = getLogger(["ua-harvest", "redis"]);

/** How a {@linkcode RedisClient} reaches its server and how long it waits. */
export interface RedisClientOptions {
  /** The server, the login and the database. */
  readonly address: RedisAddress;
  /** The server as logs and messages name it, without a password. */
  readonly description: string;
  /**
   * How long opening the connection (TCP, TLS, `AUTH`, `SELECT`, `PING`)
   * may take, the first time and on every reconnection.
   * @default 2000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long one command may wait for its reply (also while the connection
   * is being opened again). One that times out does not close the
   * connection: its late reply is skipped when it comes.
   * @default 5000
   */
  readonly commandTimeoutMs?: number;
  /** PEM certificates trusted in addition to the system's, for `rediss://`. @default [] */
  readonly caCerts?: readonly string[];
  /**
   * The pause before the `attempt`-th try to open a dropped connection
   * again (1, 2, …; counted from the drop).
   * @default 200 ms per attempt, at most 1 s
   */
  readonly reconnectDelayMs?: (attempt: number) => number;
}

/** Where the client is: `ready` to send, or opening its connection again after it dropped, or closed for good. */
export type RedisClientStatus = "ready" | "reconnecting" | "closed";

/** Options of one command. */
export interface SendOptions {
  /** Overrides the client's `commandTimeoutMs` for this command. */
  readonly timeoutMs?: number;
}

/** A command sent, or waiting to be, and its caller's promise. */
interface Waiter {
  readonly resolve: (reply: RedisReply) => void;
  readonly reject: (error: Error) => void;
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** One open connection: its socket, its parser and the commands whose replies it owes. */
interface Link {
  readonly conn: Deno.Conn;
  readonly parser: ReplyParser;
  /** Sent, reply not yet read, oldest first (from `head` on). */
  readonly owed: Waiter[];
  head: number;
  /** Encoded commands not yet written. */
  outgoing: Uint8Array[];
  flushQueued: boolean;
  writing: Promise<void>;
  reading?: Promise<void>;
}

function defaultReconnectDelay(attempt: number): number {
  return Math.min(attempt * 200, 1000);
}

/**
 * A connected Redis client; open one with {@linkcode RedisClient.connect}
 * (or `connectRedis()`, which classifies the failures for the operator).
 *
 * Events: `reconnecting` when an attempt to open a dropped connection again
 * is scheduled (one per attempt), `reconnect` when the connection is open
 * again (not for the first connection). A listener that throws is reported
 * as an uncaught error, as for any `EventTarget`.
 *
 * Commands sent while the connection is down wait for the reconnection
 * under way, and fail if that attempt fails: a cache gives up on Redis
 * within about a second instead of stalling the run, and a lock renewal is
 * tried again by the lock. Commands whose reply was owed when the
 * connection dropped fail at once (they may or may not have run).
 *
 * @example Usage
 * ```ts ignore
 * const client = await RedisClient.connect({ address: parseRedisUrl(url), description: redactUrl(url) });
 * await client.send(["SET", "k", "v", "PX", 60_000]); // "OK"
 * await client.quit();
 * ```
 */
export class RedisClient extends EventTarget implements AsyncDisposable {
  /** The server, without its password, for logs and messages. */
  readonly description: string;
  #address: RedisAddress;
  #connectTimeoutMs: number;
  #commandTimeoutMs: number;
  #caCerts: string[];
  #reconnectDelay: (attempt: number) => number;
  #status: RedisClientStatus | "connecting" = "connecting";
  #link: Link | undefined;
  /** Commands waiting for the connection to be opened again. */
  #offline: { bytes: Uint8Array; waiter: Waiter }[] = [];
  #attempts = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #reconnecting: Promise<void> | undefined;
  /** Aborts the connection being opened (by `close()`). */
  #opening: AbortController | undefined;

  private constructor(options: RedisClientOptions) {
    super();
    this.#address = options.address;
    this.description = options.description;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.#caCerts = [...(options.caCerts ?? [])];
    this.#reconnectDelay = options.reconnectDelayMs ?? defaultReconnectDelay;
  }

  /**
   * Opens the connection: TCP (or TLS), then `AUTH` and `SELECT` when the
   * address asks for them, then `PING`, all within `connectTimeoutMs`.
   *
   * @throws {RedisReplyError} when Redis refuses `AUTH`, `SELECT` or `PING`
   * (a wrong password: `WRONGPASS`, `NOAUTH`)
   * @throws {UnreachableError} when the server cannot be reached or does not
   * answer in time (the cause holds Deno's error, e.g. a TLS certificate
   * this machine does not trust)
   */
  static async connect(options: RedisClientOptions): Promise<RedisClient> {
    const client = new RedisClient(options);
    try {
      await client.#open();
    } catch (error) {
      client.#status = "closed";
      throw error;
    }
    client.#status = "ready";
    return client;
  }

  /** The ACL user it logs in as; `undefined` for the default user. */
  get username(): string | undefined {
    return this.#address.username;
  }

  /** Whether commands go out now, wait for a reconnection, or fail (closed). */
  get status(): RedisClientStatus {
    return this.#status === "connecting" ? "reconnecting" : this.#status;
  }

  /**
   * Sends one command and resolves with its reply; several sent without
   * awaiting go out together (pipelined).
   *
   * @throws {RedisReplyError} when Redis answers with an error
   * @throws {UnreachableError} when there is no answer within the timeout,
   * the connection drops before the reply, or the client is closed
   * @throws {RangeError} for a command that cannot be encoded
   */
  send(command: RedisCommand, options: SendOptions = {}): Promise<RedisReply> {
    if (this.#status === "closed") {
      return Promise.reject(closedError());
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeCommand(command);
    } catch (error) {
      return Promise.reject(error);
    }
    const { promise, waiter } = createWaiter();
    const timeoutMs = options.timeoutMs ?? this.#commandTimeoutMs;
    waiter.timer = setTimeout(() => {
      // Still owed by the connection if it was sent: its reply, when it
      // comes, is skipped, so the replies after it stay matched.
      settle(waiter, new UnreachableError(`no answer within ${timeoutMs} ms`));
      this.#offline = this.#offline.filter((entry) => entry.waiter !== waiter);
    }, timeoutMs);
    if (this.#status === "ready" && this.#link !== undefined) {
      this.#write(this.#link, bytes, waiter);
    } else {
      this.#offline.push({ bytes, waiter });
    }
    return promise;
  }

  /**
   * Says goodbye (`QUIT`, within the command timeout) and closes the
   * connection; never throws: a connection that is down is simply closed.
   */
  async quit(): Promise<void> {
    if (this.#status === "closed") return;
    const link = this.#link;
    if (this.#status === "ready" && link !== undefined) {
      // Closed first, so the server's hang-up is not taken for a drop.
      this.#status = "closed";
      const { promise, waiter } = createWaiter();
      waiter.timer = setTimeout(
        () => settle(waiter, closedError()),
        this.#commandTimeoutMs,
      );
      this.#write(link, encodeCommand(["QUIT"]), waiter);
      await promise.catch(() => {});
    }
    await this.close();
  }

  /** Closes the connection at once; commands not yet answered fail. */
  async close(): Promise<void> {
    this.#status = "closed";
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    this.#failOffline(closedError());
    this.#opening?.abort(closedError());
    const link = this.#link;
    this.#link = undefined;
    if (link !== undefined) {
      this.#shut(link, closedError());
      await link.reading;
    }
    await this.#reconnecting?.catch(() => {});
  }

  /** Closes the connection ({@linkcode RedisClient.quit}). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.quit();
  }

  /**
   * Opens a connection and logs in; `#link` is set once it answers. Fails
   * when the deadline passes or `close()` is called meanwhile.
   */
  async #open(): Promise<void> {
    const { hostname, port, tls, username, password, db } = this.#address;
    const timeoutMs = this.#connectTimeoutMs;
    const abort = new AbortController();
    this.#opening = abort;
    // A TLS handshake to a plain Redis port is never answered (Redis waits
    // for the end of an inline command): the deadline says what to check.
    let handshaking = false;
    const timer = setTimeout(
      () =>
        abort.abort(
          new UnreachableError(
            handshaking
              ? `no answer to the TLS handshake within ${timeoutMs} ms: if this port speaks plain Redis, the URL must start with redis://`
              : `no answer within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const stopped = new Promise<never>((_, reject) => {
      abort.signal.addEventListener(
        "abort",
        () => reject(abort.signal.reason),
        { once: true },
      );
    });
    stopped.catch(() => {});
    let link: Link | undefined;
    try {
      // TCP first, with the signal (so a host that never answers leaves no
      // connection attempt behind), then TLS over it.
      const tcp = await Deno.connect({ hostname, port, signal: abort.signal });
      tcp.setNoDelay(true);
      let conn: Deno.Conn = tcp;
      if (abort.signal.aborted) {
        closeQuietly(tcp);
        throw abort.signal.reason;
      }
      if (tls) {
        handshaking = true;
        try {
          const securing = Deno.startTls(tcp, {
            hostname,
            caCerts: this.#caCerts,
          });
          // Settled after the deadline too: a late connection is closed.
          securing.then(
            (late) => abort.signal.aborted && closeQuietly(late),
            () => {},
          );
          const secured = await Promise.race([securing, stopped]);
          conn = secured;
          // A certificate this machine does not trust fails here, as such.
          const handshake = secured.handshake();
          handshake.catch(() => {});
          await Promise.race([handshake, stopped]);
        } catch (error) {
          closeQuietly(conn);
          throw error;
        }
        handshaking = false;
      }
      link = this.#startLink(conn);
      const replies: Promise<RedisReply>[] = [];
      let answered = false;
      const login = (command: RedisCommand) =>
        this.#sendOn(link!, command).then((reply) => {
          answered = true;
          return reply;
        }, (error) => {
          if (!(error instanceof RedisReplyError)) throw error;
          answered = true;
          // A server that does not know AUTH quotes its arguments back, as
          // Redis does for any unknown command: the password among them.
          throw password !== undefined && error.message.includes(password)
            ? new RedisReplyError(error.message.replaceAll(password, "***"))
            : error;
        });
      if (password !== undefined) {
        const auth = username === undefined
          ? ["AUTH", password]
          : ["AUTH", username, password];
        replies.push(login(auth).catch(acceptNoPasswordSet));
      }
      if (db !== 0) replies.push(login(["SELECT", db]));
      replies.push(login(["PING"]));
      // The first failure in command order: a refused AUTH, not the
      // NOAUTH of the PING after it.
      const loggedIn = Promise.allSettled(replies).then((results) => {
        const failed = results.find((result) => result.status === "rejected");
        if (failed) throw failed.reason;
      });
      loggedIn.catch(() => {});
      try {
        await Promise.race([loggedIn, stopped]);
      } catch (error) {
        // A plain connection dropped before any answer (not one that spoke
        // something else): most likely a TLS port, which resets a plain-text
        // client.
        if (
          !tls && !answered && error instanceof UnreachableError &&
          !abort.signal.aborted && !(error.cause instanceof ApiContractError)
        ) {
          throw new UnreachableError(
            `${error.message}; if this port speaks TLS, the URL must start with rediss://`,
            { cause: error },
          );
        }
        throw error;
      }
    } catch (error) {
      if (link !== undefined) {
        this.#shut(link, error as Error);
        await link.reading;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.#opening = undefined;
    }
    this.#link = link;
  }

  #startLink(conn: Deno.Conn): Link {
    const link: Link = {
      conn,
      parser: new ReplyParser(),
      owed: [],
      head: 0,
      outgoing: [],
      flushQueued: false,
      writing: Promise.resolve(),
    };
    link.reading = this.#read(link);
    return link;
  }

  /** Sends on `link` whatever the client's status (the login, `QUIT`). */
  #sendOn(link: Link, command: RedisCommand): Promise<RedisReply> {
    const { promise, waiter } = createWaiter();
    this.#write(link, encodeCommand(command), waiter);
    return promise;
  }

  #write(link: Link, bytes: Uint8Array, waiter: Waiter): void {
    link.owed.push(waiter);
    link.outgoing.push(bytes);
    if (link.flushQueued) return;
    link.flushQueued = true;
    // The commands sent in one tick go out in one write.
    queueMicrotask(() => {
      link.flushQueued = false;
      const data = concatBytes(link.outgoing);
      link.outgoing = [];
      link.writing = link.writing
        .then(() => writeAll(link.conn, data))
        .catch((error) => this.#dropped(link, error));
    });
  }

  async #read(link: Link): Promise<void> {
    const buffer = new Uint8Array(64 * 1024);
    let reason: unknown = new Error("the server closed the connection");
    try {
      while (true) {
        const n = await link.conn.read(buffer);
        if (n === null) break;
        for (const reply of link.parser.push(buffer.subarray(0, n))) {
          const waiter = link.owed[link.head];
          if (waiter === undefined) {
            throw new Error("Redis sent a reply to no command");
          }
          link.owed[link.head++] = undefined as unknown as Waiter;
          if (link.head > 1024 && link.head * 2 > link.owed.length) {
            link.owed.splice(0, link.head);
            link.head = 0;
          }
          settle(
            waiter,
            reply instanceof RedisReplyError ? reply : undefined,
            reply,
          );
        }
      }
    } catch (error) {
      reason = error;
    }
    this.#dropped(link, reason);
  }

  /** The connection of `link` is gone (or must go): fail what it owed, and open another. */
  #dropped(link: Link, reason: unknown): void {
    const error = new UnreachableError(
      // A server that does not speak RESP2 says so as it is.
      reason instanceof ApiContractError
        ? reason.message
        : `the connection to Redis was lost (${describeReason(reason)})`,
      { cause: reason },
    );
    this.#shut(link, error);
    if (link !== this.#link) return;
    this.#link = undefined;
    if (this.#status !== "ready") return;
    this.#status = "reconnecting";
    logger.debug("Redis connection to {redis} lost: {reason}", {
      redis: this.description,
      reason: describeReason(reason),
    });
    this.#scheduleReconnect();
  }

  /** Closes `link`'s socket and fails the commands it owed. */
  #shut(link: Link, error: Error): void {
    closeQuietly(link.conn);
    const owed = link.owed.slice(link.head);
    link.owed.length = 0;
    link.head = 0;
    link.outgoing = [];
    for (const waiter of owed) settle(waiter, error);
  }

  #scheduleReconnect(): void {
    this.#attempts++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#reconnecting = this.#reconnect();
    }, this.#reconnectDelay(this.#attempts));
    this.dispatchEvent(new Event("reconnecting"));
  }

  async #reconnect(): Promise<void> {
    if (this.#isClosed()) return;
    try {
      await this.#open();
    } catch (error) {
      if (this.#isClosed()) return;
      const reason = describeReason(error);
      logger.debug(
        "Could not reconnect to Redis at {redis} (attempt {attempt}): {reason}",
        { redis: this.description, attempt: this.#attempts, reason },
      );
      // What waited for this attempt fails now, rather than wait for the
      // next one: the cache goes on without Redis, the lock tries again.
      this.#failOffline(
        new UnreachableError(`Redis is down (${reason})`, { cause: error }),
      );
      this.#scheduleReconnect();
      return;
    }
    const link = this.#link!;
    if (this.#isClosed()) {
      this.#shut(link, closedError());
      this.#link = undefined;
      await link.reading;
      return;
    }
    logger.debug("Reconnected to Redis at {redis}", {
      redis: this.description,
    });
    this.#attempts = 0;
    this.#status = "ready";
    const waiting = this.#offline;
    this.#offline = [];
    for (const { bytes, waiter } of waiting) {
      if (!waiter.settled) this.#write(link, bytes, waiter);
    }
    this.dispatchEvent(new Event("reconnect"));
  }

  /** A method, so the compiler does not narrow the status across an await. */
  #isClosed(): boolean {
    return this.#status === "closed";
  }

  #failOffline(error: Error): void {
    const waiting = this.#offline;
    this.#offline = [];
    for (const { waiter } of waiting) settle(waiter, error);
  }
}

function createWaiter(): { promise: Promise<RedisReply>; waiter: Waiter } {
  const { promise, resolve, reject } = Promise.withResolvers<RedisReply>();
  return { promise, waiter: { resolve, reject, settled: false } };
}

/** Settles `waiter` once: with `error` if given, else with `reply`. */
function settle(waiter: Waiter, error?: Error, reply: RedisReply = null): void {
  if (waiter.settled) return;
  waiter.settled = true;
  clearTimeout(waiter.timer);
  if (error !== undefined) waiter.reject(error);
  else waiter.resolve(reply);
}

/**
 * Redis 6+ refuses `AUTH` with a password when none is set; the connection
 * works all the same (ioredis went on too, with a warning).
 */
function acceptNoPasswordSet(error: unknown): RedisReply {
  if (
    error instanceof RedisReplyError &&
    /without any password configured|no password is set/i.test(error.message)
  ) {
    logger.warn(
      "Redis has no password set, but REDIS_URL gives one: it was not needed",
    );
    return "OK";
  }
  throw error;
}

function closedError(): UnreachableError {
  return new UnreachableError("the Redis connection is closed");
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Closed already.
  }
}

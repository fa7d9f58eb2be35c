/**
 * Runs a real, throwaway `redis-server` on a free loopback port for tests of
 * the Redis episode cache and run lock. Nothing is persisted.
 *
 * @module
 */
import { freePort } from "./free_port.ts";

/** A running (or stopped, for "Redis went down" tests) Redis server. */
export interface RedisServer extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The loopback port it listens on (kept across `stop()`/`restart()`). */
  readonly port: number;
  /** Stops the server (SIGTERM, waits for the exit). Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port after `stop()`; empty, like a crash. */
  restart(): Promise<void>;
  /**
   * Freezes the server (SIGSTOP): it keeps its connections and port but
   * answers nothing, like a stalled host. `stop()` thaws it first.
   */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
}

/** How to start the test server. */
export interface RedisServerOptions {
  /**
   * The `redis-server` binary.
   * @default Deno.env.get("REDIS_SERVER_BIN") ?? "redis-server"
   */
  readonly binary?: string;
  /**
   * How long to wait for it to answer PING.
   * @default 10000
   */
  readonly readyTimeoutMs?: number;
  /**
   * More `redis-server` arguments, e.g. `["--requirepass", "s3cret"]`.
   * @default []
   */
  readonly args?: readonly string[];
}

/**
 * Starts `redis-server` on a free 127.0.0.1 port and waits until it answers
 * PING. Dispose it (or call `stop()`) at the end of the test.
 *
 * @example
 * ```ts
 * await using redis = await startRedisServer();
 * const cache = await createRedisEpisodeCache({ url: redis.url });
 * ```
 */
export async function startRedisServer(
  options: RedisServerOptions = {},
): Promise<RedisServer> {
  const binary = options.binary ?? Deno.env.get("REDIS_SERVER_BIN") ??
    "redis-server";
  const readyTimeoutMs = options.readyTimeoutMs ?? 10_000;
  // Another process may grab the port between our probe and redis's bind:
  // try a few fresh ports before giving up.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = freePort();
    const server = new Server(binary, port, readyTimeoutMs, options.args ?? []);
    try {
      await server.restart();
      return server;
    } catch (error) {
      if (error instanceof RedisNotInstalledError) throw error;
      lastError = error;
      await server.stop();
    }
  }
  throw lastError;
}

class RedisNotInstalledError extends Error {}

class Server implements RedisServer {
  readonly url: string;
  readonly port: number;
  #binary: string;
  #readyTimeoutMs: number;
  #args: readonly string[];
  #child: Deno.ChildProcess | undefined;
  #output: Promise<string> | undefined;
  #lastOutput: Promise<string> = Promise.resolve("");

  constructor(
    binary: string,
    port: number,
    readyTimeoutMs: number,
    args: readonly string[],
  ) {
    this.#args = args;
    this.#binary = binary;
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.#readyTimeoutMs = readyTimeoutMs;
  }

  async restart(): Promise<void> {
    if (this.#child !== undefined) return;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(this.#binary, {
        args: [
          "--port",
          String(this.port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--daemonize",
          "no",
          "--logfile",
          "",
          ...this.#args,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new RedisNotInstalledError(
          `${this.#binary} not found: install redis-server (apt-get install redis-server)`,
          { cause: error },
        );
      }
      throw error;
    }
    this.#child = child;
    // Drain both pipes so redis never blocks on a full pipe, and keep the
    // text for the error message if it dies during start-up.
    this.#output = Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
    ]).then(([out, err]) => (out + err).trim());
    const exited = child.status.then((status) => status);
    const deadline = Date.now() + this.#readyTimeoutMs;
    while (true) {
      if (await ping(this.port)) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const early = await Promise.race([
        exited,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), 50);
        }),
      ]);
      clearTimeout(timer);
      if (early !== undefined || Date.now() > deadline) {
        await this.stop();
        const output = (await this.#lastOutput).slice(-2000);
        throw new Error(
          early !== undefined
            ? `redis-server exited with code ${early.code} on port ${this.port}: ${output}`
            : `redis-server did not answer PING on port ${this.port} within ${this.#readyTimeoutMs} ms: ${output}`,
        );
      }
    }
  }

  freeze(): void {
    this.#child?.kill("SIGSTOP");
  }

  thaw(): void {
    this.#child?.kill("SIGCONT");
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    try {
      // A frozen server would never act on SIGTERM.
      child.kill("SIGCONT");
      child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    await child.status;
    this.#lastOutput = this.#output ?? Promise.resolve("");
    await this.#lastOutput;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

async function ping(port: number): Promise<boolean> {
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch {
    return false;
  }
  // Something that accepts but never answers must not hang the start-up.
  let closed = false;
  const close = () => {
    if (!closed) conn.close();
    closed = true;
  };
  const timer = setTimeout(close, 1000);
  try {
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buffer = new Uint8Array(64);
    const n = await conn.read(buffer);
    // A server started with --requirepass answers NOAUTH: it is up all the same.
    return n !== null &&
      /^(\+PONG|-NOAUTH)/.test(new TextDecoder().decode(buffer.subarray(0, n)));
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    close();
  }
}

/**
 * A synthetic Opencast server for tests, the demo and the benchmark:
 * usertracking, search and workflow endpoints with deterministic data, as
 * the DCE fork (Opencast 5.x) or upstream Opencast 8–11, 12–15 or 16+ serve
 * them (`flavor`), with Digest auth, injected failures and request counters.
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import { serveSimulator, type SimulatorHttpServer } from "./_serve.ts";
import { ConfigError } from "../errors.ts";
import { ActionStore } from "./_action_store.ts";
import { createNonce, digestChallenge, verifyDigest } from "./_digest_auth.ts";
import { EngageNodes } from "./_engage_nodes.ts";
import {
  componentsResponse,
  type EndpointContext,
  type SimResponse,
} from "./_endpoints.ts";
import {
  type ActionOrder,
  flavorTraits,
  SIMULATOR_FLAVORS,
  type SimulatorFlavor,
} from "./_flavor.ts";
import {
  ActionGenerator,
  generateCatalog,
  type SimAction,
  type SimEpisode,
  type SimWorkflow,
} from "./_generate.ts";
import { openSearchResponse } from "./_opensearch_search_endpoint.ts";
import { Random } from "./_random.ts";
import { solrSearchResponse } from "./_solr_search_endpoint.ts";
import {
  actionByIdResponse,
  actionsResponse,
} from "./_usertracking_endpoints.ts";
import {
  mediaPackageWorkflowsResponse,
  workflowByIdResponse,
  workflowsResponse,
} from "./_workflow_endpoints.ts";

export type { ActionOrder, SimulatorFlavor } from "./_flavor.ts";
export { SIMULATOR_FLAVORS } from "./_flavor.ts";

export type {
  SimAction,
  SimAttachment,
  SimEpisode,
  SimOperation,
  SimTrack,
  SimWorkflow,
} from "./_generate.ts";

/** What `appendActions` returns: the appended actions as plain data (alias of `SimAction`). */
export type RawAction = SimAction;

/** Settings of the simulator. */
export interface SimulatorOptions {
  /**
   * Interface to listen on.
   *
   * @default {"127.0.0.1"}
   */
  readonly hostname?: string;
  /**
   * Port to listen on; 0 picks a free one.
   *
   * @default {8080}
   */
  readonly port?: number;
  /**
   * Seed of all generated data and of `failRate`.
   *
   * @default {1}
   */
  readonly seed?: number;
  /**
   * Number of actions generated at start.
   *
   * @default {1000}
   */
  readonly actions?: number;
  /**
   * Number of episodes generated at start.
   *
   * @default {50}
   */
  readonly episodes?: number;
  /**
   * The newest creation time of the generated actions (cut to whole seconds).
   *
   * @default {Temporal.Now.instant()}
   */
  readonly spanEnd?: Temporal.Instant;
  /**
   * Actions are spread over `[spanEnd - spanSeconds, spanEnd]`.
   *
   * @default {120}
   */
  readonly spanSeconds?: number;
  /**
   * The server zone (IANA name): `created` offsets and `start`/`end` parsing.
   *
   * @default {"America/New_York"}
   */
  readonly timezone?: string;
  /**
   * Delay added to every API request, in milliseconds.
   *
   * @default {0}
   */
  readonly latencyMs?: number;
  /**
   * Fraction (0..1) of API requests answered 503, drawn from the seed.
   *
   * @default {0}
   */
  readonly failRate?: number;
  /**
   * Digest user; with `password`, every API endpoint requires Digest auth.
   *
   * @default {undefined}
   */
  readonly user?: string;
  /**
   * Digest password; with `user`, every API endpoint requires Digest auth.
   *
   * @default {undefined}
   */
  readonly password?: string;
  /**
   * How long a nonce stays valid, in seconds.
   *
   * @default {300}
   */
  readonly nonceTtlSeconds?: number;
  /**
   * Log nothing, not even the listening address at info.
   *
   * @default {false}
   */
  readonly quiet?: boolean;
  /**
   * Which Opencast to play: `dce` (Harvard's 5.x fork: string attributes,
   * `isPlaying` 0/1/2, `start`/`end` windows, DCE search parameters),
   * `stock` (8–11: typed attributes, boolean `isPlaying`, `start`/`end`
   * ignored), `oc12` (12–15: no `/workflow/instances.json`, workflows per
   * mediapackage with numeric operation ids) or `oc16` (16+: the
   * OpenSearch-era search JSON as well).
   *
   * @default {"dce"}
   */
  readonly flavor?: SimulatorFlavor;
  /**
   * Pins the seconds (with fraction, e.g. `30.5`) that a `day` query's
   * window keeps from the server clock: `[D 00:00:30.5, D 23:59:30.5]`.
   * Unset, the clock's seconds and milliseconds at the request are used, as
   * upstream does.
   *
   * @default {undefined}
   */
  readonly daySeconds?: number;
  /**
   * Whether the usertracking service exists; `false` answers 404 on every
   * `/usertracking/*` path (plugin off, or an Opencast without it).
   *
   * @default {true}
   */
  readonly usertracking?: boolean;
  /**
   * Row order of `/usertracking/actions.json`: `id` (primary key, what
   * upstream MySQL typically returns) or `created` (`(created, id)`).
   *
   * @default {"created"} for `dce`, `"id"` for the other flavors
   */
  readonly order?: ActionOrder;
  /**
   * Engage nodes that write usertracking rows. With one, ids follow
   * creation order (with the odd gap). With more, each action is taken by
   * one node (one busy, the others quieter), which hands out ids from its
   * own block of the shared EclipseLink sequence and stamps `created` with
   * its own clock (a second or two off), and now and then a row commits a
   * few seconds late: ids no longer follow `created` (opencast-api.md §3.1).
   * The rest of the data stays the same.
   *
   * @default {1}
   */
  readonly idNodes?: number;
  /**
   * Ids a node takes from the sequence at a time (with `idNodes` above 1).
   *
   * @default {50}
   */
  readonly idBlock?: number;
  /**
   * New actions per second while it runs (created now, through
   * `appendActions`), so rows keep arriving while a harvest reads; may be
   * fractional (0.5: one every 2 seconds).
   *
   * @default {0}
   */
  readonly arrivalsPerSecond?: number;
}

/** One API request, as `Simulator.requestLog` keeps it. */
export interface SimulatorRequest {
  /** The path, e.g. `/usertracking/actions.json`. */
  readonly path: string;
  /** The query parameters. */
  readonly params: Readonly<Record<string, string>>;
}

/** Options of `Simulator.appendActions`. */
export interface AppendActionsOptions {
  /**
   * Creation time of every appended action (cut to whole seconds).
   *
   * @default {Temporal.Now.instant()}
   */
  readonly created?: Temporal.Instant;
  /**
   * Only these mediapackage ids get the new actions.
   *
   * @default {undefined} (any episode, popular ones more often)
   */
  readonly mediapackageIds?: readonly string[];
}

/** Request counters (API requests only; `/_sim/` calls are not counted). */
export interface SimulatorStats {
  /** Every API request. */
  readonly requests: number;
  /** Requests to `/usertracking/actions.json`. */
  readonly actionRequests: number;
  /** Of those, the ones with a `day` parameter. */
  readonly dayRequests: number;
  /** Requests to `/usertracking/action/{id}.json`. */
  readonly actionByIdRequests: number;
  /** Requests to `/search/episode.json`. */
  readonly episodeRequests: number;
  /**
   * Workflow list requests: `/workflow/instances.json` and
   * `/workflow/mediaPackage/{id}/instances.json`.
   */
  readonly workflowRequests: number;
  /** Requests answered 401 or 302 by the auth layer. */
  readonly unauthorized: number;
  /** Episode searches per `id` parameter. */
  readonly byEpisodeId: Readonly<Record<string, number>>;
}

/** A running simulator. */
export interface Simulator extends AsyncDisposable {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The server zone. */
  readonly timezone: string;
  /** The Opencast variant played. */
  readonly flavor: SimulatorFlavor;
  /** Stops the server and the timers. */
  close(): Promise<void>;
  /**
   * Adds actions that arrive now (or at `created`). With one node ids keep
   * increasing; with `idNodes` above 1 they come from the nodes' blocks and
   * `created` from their clocks (the returned actions say what was stored).
   */
  appendActions(count: number, options?: AppendActionsOptions): RawAction[];
  /**
   * Deletes actions (as a cleanup on the server would): `day` counts and
   * answers shrink. Returns how many of the ids existed.
   */
  deleteActions(ids: Iterable<number>): number;
  /**
   * Calls `hook` for every API request, before it is answered (after it is
   * counted): a test adds or deletes rows while a harvest reads. `undefined`
   * removes it.
   */
  onRequest(hook: ((request: SimulatorRequest) => void) | undefined): void;
  /** The API requests so far (the newest 10,000), oldest first. */
  requestLog(): readonly SimulatorRequest[];
  /** The next `count` API requests whose path starts with the prefix get `status`. */
  failNext(pathPrefix: string, count: number, status?: number): void;
  /** Every search for this mediapackage id answers 503. */
  failEpisode(mediapackageId: string): void;
  /**
   * Changes the delay added to every answer from now on (`--latency-ms`): a
   * test slows the server to stop a run mid-page, then lets the rerun go at
   * full speed.
   */
  setLatency(ms: number): void;
  /** The request counters. */
  stats(): SimulatorStats;
  /** Sets every counter to zero. */
  resetStats(): void;
  /** Every action, ordered by `(created, id)` (a copy; whatever `order` is). */
  actions(): readonly SimAction[];
  /** Every episode, deleted ones included. */
  episodes(): readonly SimEpisode[];
  /** Every workflow, ascending by id. */
  workflows(): readonly SimWorkflow[];
  /** Mediapackage ids that actions use but that have no episode. */
  missingEpisodeIds(): readonly string[];
}

interface FailRule {
  readonly prefix: string;
  remaining: number;
  readonly status: number;
}

interface Counters {
  requests: number;
  actionRequests: number;
  dayRequests: number;
  actionByIdRequests: number;
  episodeRequests: number;
  workflowRequests: number;
  unauthorized: number;
  byEpisodeId: Record<string, number>;
}

function emptyCounters(): Counters {
  return {
    requests: 0,
    actionRequests: 0,
    dayRequests: 0,
    actionByIdRequests: 0,
    episodeRequests: 0,
    workflowRequests: 0,
    unauthorized: 0,
    byEpisodeId: {},
  };
}

const logger = getLogger(["ua-harvest", "simulate"]);

const ACTION_BY_ID = /^\/usertracking\/action\/([^/]+)\.json$/;
const MEDIAPACKAGE_WORKFLOWS =
  /^\/workflow\/mediaPackage\/([^/]+)\/instances\.json$/;
const WORKFLOW_BY_ID = /^\/workflow\/instance\/([^/]+)\.json$/;

function requireNumber(
  value: number,
  flag: string,
  min: number,
  max: number,
  integer: boolean,
): void {
  if (
    typeof value !== "number" || !Number.isFinite(value) || value < min ||
    value > max || (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? "an integer" : "a number";
    const range = max === Infinity
      ? `of at least ${min}`
      : `from ${min} to ${max}`;
    throw new ConfigError(`Set ${flag} to ${kind} ${range} (got ${value})`);
  }
}

function isTimeZone(name: string): boolean {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(name);
    return true;
  } catch {
    return false;
  }
}

function textResponse(
  status: number,
  body: string,
  headers: HeadersInit = {},
): Response {
  return new Response(body, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  });
}

/** Starts a simulator; validates the options before listening. */
export async function startSimulator(
  options: SimulatorOptions = {},
): Promise<Simulator> {
  const {
    hostname = "127.0.0.1",
    port = 8080,
    seed = 1,
    actions = 1000,
    episodes = 50,
    spanSeconds = 120,
    timezone = "America/New_York",
    latencyMs = 0,
    failRate = 0,
    user,
    password,
    nonceTtlSeconds = 300,
    quiet = false,
    flavor = "dce",
    daySeconds,
    usertracking = true,
    idNodes = 1,
    idBlock = 50,
    arrivalsPerSecond = 0,
  } = options;
  if (!SIMULATOR_FLAVORS.includes(flavor)) {
    throw new ConfigError(
      `Set --flavor to one of ${SIMULATOR_FLAVORS.join(", ")} (got ${flavor})`,
    );
  }
  const order = options.order ?? flavorTraits(flavor).order;
  if (order !== "id" && order !== "created") {
    throw new ConfigError(`Set --order to id or created (got ${order})`);
  }
  if (daySeconds !== undefined) {
    requireNumber(daySeconds, "--day-seconds", 0, 59.999, false);
  }
  requireNumber(port, "--port", 0, 65535, true);
  requireNumber(seed, "--seed", -(2 ** 31), 2 ** 32 - 1, true);
  requireNumber(actions, "--actions", 0, 10_000_000, true);
  requireNumber(episodes, "--episodes", 0, 100_000, true);
  requireNumber(spanSeconds, "--span-seconds", 0, Infinity, true);
  requireNumber(latencyMs, "--latency-ms", 0, Infinity, false);
  requireNumber(failRate, "--fail-rate", 0, 1, false);
  requireNumber(nonceTtlSeconds, "nonceTtlSeconds", 1, Infinity, false);
  requireNumber(idNodes, "--id-nodes", 1, 64, true);
  requireNumber(idBlock, "--id-block", 1, 1_000_000, true);
  requireNumber(
    arrivalsPerSecond,
    "--arrivals-per-second",
    0,
    Infinity,
    false,
  );
  if (!isTimeZone(timezone)) {
    throw new ConfigError(
      `Set --timezone to an IANA time zone name such as America/New_York (got ${timezone})`,
    );
  }
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError("Set both --user and --password, or neither");
  }
  const spanEnd = options.spanEnd ?? Temporal.Now.instant();
  const simulator = new SimulatorServer({
    seed,
    actions,
    episodes,
    spanEndSeconds: Math.floor(spanEnd.epochMilliseconds / 1000),
    spanSeconds,
    timezone,
    latencyMs,
    failRate,
    credentials: user !== undefined && password !== undefined
      ? { user, password }
      : undefined,
    nonceTtlSeconds,
    quiet,
    flavor,
    order,
    daySeconds,
    usertracking,
    idNodes,
    idBlock,
  });
  await simulator.listen(hostname, port);
  if (arrivalsPerSecond > 0) simulator.arrive(arrivalsPerSecond);
  return simulator;
}

/** How many API requests `requestLog()` keeps. */
const REQUEST_LOG_SIZE = 10_000;

interface ServerSettings {
  readonly seed: number;
  readonly actions: number;
  readonly episodes: number;
  readonly spanEndSeconds: number;
  readonly spanSeconds: number;
  readonly timezone: string;
  readonly latencyMs: number;
  readonly failRate: number;
  readonly credentials?: { readonly user: string; readonly password: string };
  readonly nonceTtlSeconds: number;
  readonly quiet: boolean;
  readonly flavor: SimulatorFlavor;
  readonly order: ActionOrder;
  readonly daySeconds?: number;
  readonly usertracking: boolean;
  readonly idNodes: number;
  readonly idBlock: number;
}

class SimulatorServer implements Simulator {
  #settings: ServerSettings;
  #store: ActionStore;
  #generator: ActionGenerator;
  #nodes: EngageNodes | undefined;
  #episodes: SimEpisode[];
  #workflows: SimWorkflow[];
  #missing: string[];
  #context: EndpointContext;
  #failingEpisodes = new Set<string>();
  #failRules: FailRule[] = [];
  #failRandom: Random;
  #counters = emptyCounters();
  #http?: SimulatorHttpServer;
  #arrivals?: ReturnType<typeof setInterval>;
  #requestHook?: (request: SimulatorRequest) => void;
  #requestLog: SimulatorRequest[] = [];

  constructor(settings: ServerSettings) {
    this.#settings = settings;
    const rng = new Random(settings.seed);
    const spanEnd = Temporal.Instant.fromEpochMilliseconds(
      settings.spanEndSeconds * 1000,
    );
    const catalog = generateCatalog(
      rng,
      settings.episodes,
      spanEnd,
      settings.timezone,
    );
    this.#episodes = catalog.episodes;
    this.#workflows = catalog.workflows;
    this.#missing = catalog.missingEpisodeIds;
    this.#generator = new ActionGenerator(rng, catalog);
    this.#nodes = settings.idNodes > 1
      ? new EngageNodes({
        nodes: settings.idNodes,
        block: settings.idBlock,
        seed: settings.seed,
        firstId: this.#generator.nextId,
      })
      : undefined;
    this.#store = new ActionStore(settings.timezone);
    this.#store.add(this.#initialDrafts(rng));
    // A separate stream, so failures do not change the data (and vice versa).
    this.#failRandom = new Random(settings.seed ^ 0x5bd1e995);
    this.#context = {
      store: this.#store,
      episodes: new Map(catalog.episodes.map((e) => [e.id, e])),
      episodeList: catalog.episodes,
      episodesByCreation: [...catalog.episodes].sort((a, b) =>
        Temporal.Instant.compare(a.created, b.created)
      ),
      workflows: catalog.workflows,
      failingEpisodes: this.#failingEpisodes,
      timeZone: settings.timezone,
      flavor: settings.flavor,
      traits: flavorTraits(settings.flavor),
      order: settings.order,
      daySeconds: settings.daySeconds,
      usertracking: settings.usertracking,
    };
  }

  #initialDrafts(rng: Random) {
    const { actions, spanEndSeconds, spanSeconds } = this.#settings;
    const first = spanEndSeconds - spanSeconds;
    const seconds = new Float64Array(actions);
    for (let i = 0; i < actions; i++) {
      seconds[i] = rng.int(first, spanEndSeconds);
    }
    seconds.sort();
    const drafts = this.#generator.generate(Array.from(seconds));
    // About 1% are "late rows": `created` was set before a slow insert
    // committed, so a newer id carries a slightly older time.
    const stored = drafts.map((draft) =>
      rng.chance(0.01)
        ? {
          ...draft,
          createdEpochSeconds: Math.max(
            first,
            draft.createdEpochSeconds - rng.int(1, 3),
          ),
        }
        : draft
    );
    return this.#nodes
      ? this.#nodes.store(stored, { min: first, max: spanEndSeconds })
      : stored;
  }

  async listen(hostname: string, port: number): Promise<void> {
    this.#http = await serveSimulator({
      hostname,
      port,
      name: "Simulator",
      quiet: this.#settings.quiet,
      handler: (request) => this.#handle(request),
    });
  }

  get url(): string {
    return this.#http?.url ?? "";
  }

  get port(): number {
    return this.#http?.port ?? 0;
  }

  get timezone(): string {
    return this.#settings.timezone;
  }

  get flavor(): SimulatorFlavor {
    return this.#settings.flavor;
  }

  close(): Promise<void> {
    clearInterval(this.#arrivals);
    return this.#http?.close() ?? Promise.resolve();
  }

  /** Appends `perSecond` actions a second (the fraction carried over) until closed. */
  arrive(perSecond: number): void {
    let carry = 0;
    this.#arrivals = setInterval(() => {
      carry += perSecond;
      const count = Math.floor(carry);
      carry -= count;
      if (count > 0) this.appendActions(count);
    }, 1000);
  }

  deleteActions(ids: Iterable<number>): number {
    return this.#store.remove(ids);
  }

  onRequest(hook: ((request: SimulatorRequest) => void) | undefined): void {
    this.#requestHook = hook;
  }

  requestLog(): readonly SimulatorRequest[] {
    return [...this.#requestLog];
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  appendActions(
    count: number,
    options: AppendActionsOptions = {},
  ): SimAction[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot append actions: count must be a non-negative integer (got ${count})`,
      );
    }
    const created = options.created ?? Temporal.Now.instant();
    const second = Math.floor(created.epochMilliseconds / 1000);
    const drafts = this.#generator.generate(
      new Array<number>(count).fill(second),
      options.mediapackageIds,
    );
    return this.#store.add(this.#nodes ? this.#nodes.store(drafts) : drafts);
  }

  setLatency(ms: number): void {
    requireNumber(ms, "--latency-ms", 0, Infinity, false);
    this.#settings = { ...this.#settings, latencyMs: ms };
  }

  failNext(pathPrefix: string, count: number, status = 503): void {
    this.#failRules.push({ prefix: pathPrefix, remaining: count, status });
  }

  failEpisode(mediapackageId: string): void {
    this.#failingEpisodes.add(mediapackageId);
  }

  stats(): SimulatorStats {
    return {
      ...this.#counters,
      byEpisodeId: { ...this.#counters.byEpisodeId },
    };
  }

  resetStats(): void {
    this.#counters = emptyCounters();
    this.#requestLog = [];
  }

  actions(): readonly SimAction[] {
    return [...this.#store.all];
  }

  episodes(): readonly SimEpisode[] {
    return this.#episodes;
  }

  workflows(): readonly SimWorkflow[] {
    return this.#workflows;
  }

  missingEpisodeIds(): readonly string[] {
    return this.#missing;
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.startsWith("/_sim/")) return this.#admin(request, url);
    const response = await this.#api(request, url);
    if (!this.#settings.quiet) {
      logger.debug("{method} {path} answered {status}", {
        method: request.method,
        path,
        status: response.status,
      });
    }
    return response;
  }

  async #api(request: Request, url: URL): Promise<Response> {
    const path = url.pathname;
    const counters = this.#counters;
    counters.requests++;
    const logged = {
      path,
      params: Object.fromEntries(url.searchParams),
    };
    if (this.#requestLog.length >= REQUEST_LOG_SIZE) this.#requestLog.shift();
    this.#requestLog.push(logged);
    this.#requestHook?.(logged);
    if (path === "/usertracking/actions.json") {
      counters.actionRequests++;
      if (url.searchParams.get("day")) counters.dayRequests++;
    }
    if (ACTION_BY_ID.test(path)) counters.actionByIdRequests++;
    if (
      path === "/workflow/instances.json" || MEDIAPACKAGE_WORKFLOWS.test(path)
    ) {
      counters.workflowRequests++;
    }
    if (path === "/search/episode.json") {
      counters.episodeRequests++;
      const id = url.searchParams.get("id");
      if (id) counters.byEpisodeId[id] = (counters.byEpisodeId[id] ?? 0) + 1;
    }
    if (this.#settings.latencyMs > 0) {
      await new Promise((resolve) =>
        setTimeout(resolve, this.#settings.latencyMs)
      );
    }
    const rule = this.#failRules.find((r) =>
      r.remaining > 0 && path.startsWith(r.prefix)
    );
    if (rule) {
      rule.remaining--;
      if (rule.remaining === 0) {
        this.#failRules.splice(this.#failRules.indexOf(rule), 1);
      }
      return textResponse(rule.status, "Injected failure");
    }
    if (
      this.#settings.failRate > 0 &&
      this.#failRandom.next() < this.#settings.failRate
    ) {
      return textResponse(503, "Service Unavailable");
    }
    if (path === "/login.html") {
      return new Response(
        "<html><body><form>Opencast login</form></body></html>",
        {
          headers: { "content-type": "text/html; charset=utf-8" },
        },
      );
    }
    const denied = this.#authenticate(request, url);
    if (denied) {
      counters.unauthorized++;
      return denied;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return textResponse(405, "Method Not Allowed");
    }
    const result = this.#route(path, url.searchParams);
    if (result.status === 204) return new Response(null, { status: 204 });
    return new Response(result.body, {
      status: result.status,
      headers: { "content-type": `${result.contentType}; charset=utf-8` },
    });
  }

  #route(path: string, params: URLSearchParams): SimResponse {
    const context = this.#context;
    const notFound = {
      status: 404,
      body: "Not Found",
      contentType: "text/plain",
    };
    if (path.startsWith("/usertracking/") && !context.usertracking) {
      return notFound;
    }
    switch (path) {
      case "/usertracking/actions.json":
        return actionsResponse(params, context);
      case "/search/episode.json":
        return context.traits.search === "opensearch"
          ? openSearchResponse(params, context)
          : solrSearchResponse(params, context);
      case "/workflow/instances.json":
        return workflowsResponse(params, context);
      case "/info/components.json":
        return componentsResponse(this.url, context);
    }
    let match = ACTION_BY_ID.exec(path);
    if (match) return actionByIdResponse(match[1]!, context);
    match = MEDIAPACKAGE_WORKFLOWS.exec(path);
    if (match) {
      return mediaPackageWorkflowsResponse(
        decodeURIComponent(match[1]!),
        context,
      );
    }
    match = WORKFLOW_BY_ID.exec(path);
    if (match) return workflowByIdResponse(match[1]!, context);
    return notFound;
  }

  /** `null` when the request may pass; else the 401 or 302 to send. */
  #authenticate(request: Request, url: URL): Response | null {
    const credentials = this.#settings.credentials;
    if (!credentials) return null;
    const now = Date.now();
    const header = request.headers.get("authorization");
    const verdict = header
      ? verifyDigest(header, request.method, credentials, now)
      : "invalid";
    if (verdict === "ok") return null;
    // Spring picks the entry point by header: without it, the login page.
    if (request.headers.get("x-requested-auth")?.toLowerCase() !== "digest") {
      return new Response(null, {
        status: 302,
        headers: { location: new URL("/login.html", url).href },
      });
    }
    const nonce = createNonce(now + this.#settings.nonceTtlSeconds * 1000);
    return textResponse(401, "Unauthorized", {
      "www-authenticate": digestChallenge(nonce, verdict === "stale"),
    });
  }

  #admin(request: Request, url: URL): Response {
    const params = url.searchParams;
    const route = `${request.method} ${url.pathname}`;
    const jsonResponse = (value: unknown) =>
      new Response(JSON.stringify(value), {
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    const count = (fallback: number) => {
      const raw = params.get("count");
      if (raw === null) return fallback;
      const value = Number(raw);
      return Number.isInteger(value) && value >= 0 ? value : null;
    };
    switch (route) {
      case "POST /_sim/actions": {
        const n = count(1);
        if (n === null) {
          return textResponse(400, "Set count to a non-negative integer");
        }
        let created: Temporal.Instant | undefined;
        const rawCreated = params.get("created");
        if (rawCreated) {
          try {
            created = Temporal.Instant.from(rawCreated);
          } catch {
            return textResponse(
              400,
              "Set created to an ISO 8601 instant with an offset",
            );
          }
        }
        const ids = params.getAll("mediapackageId");
        return jsonResponse(
          this.appendActions(n, {
            created,
            mediapackageIds: ids.length > 0 ? ids : undefined,
          }),
        );
      }
      case "POST /_sim/delete": {
        const ids = params.getAll("id").map(Number);
        if (ids.length === 0 || !ids.every(Number.isSafeInteger)) {
          return textResponse(400, "Set id to the action ids to delete");
        }
        return jsonResponse({ deleted: this.deleteActions(ids) });
      }
      case "GET /_sim/actions":
        return jsonResponse(this.#store.all);
      case "GET /_sim/episodes":
        return jsonResponse(this.#episodes);
      case "GET /_sim/workflows":
        return jsonResponse(this.#workflows);
      case "GET /_sim/stats":
        return jsonResponse(this.stats());
      case "POST /_sim/reset-stats":
        this.resetStats();
        return new Response(null, { status: 204 });
      case "POST /_sim/fail": {
        const n = count(1);
        const status = Number(params.get("status") ?? 503);
        const prefix = params.get("path");
        if (
          n === null || !prefix || !Number.isInteger(status) || status < 100 ||
          status > 599
        ) {
          return textResponse(
            400,
            "Set path, and count and status to integers",
          );
        }
        this.failNext(prefix, n, status);
        return new Response(null, { status: 204 });
      }
      case "POST /_sim/fail-episode": {
        const id = params.get("id");
        if (!id) return textResponse(400, "Set id to a mediapackage id");
        this.failEpisode(id);
        return new Response(null, { status: 204 });
      }
      default:
        return textResponse(404, "Not Found");
    }
  }
}

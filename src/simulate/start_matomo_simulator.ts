/**
 * A synthetic Matomo 5 for tests, the demo and the benchmark: the reporting
 * API on `index.php` as matomo-api.md §2 describes it, over seeded visits of
 * an Opencast 18+ site (stock Paella 8 page views, Tobira-style events with
 * an action-scope episode dimension, Paella 7 events named by the episode
 * id, an anonymous merged visit, two videos in one visit, pages and events a
 * harvester skips) in a site zone with daylight saving, with live arrivals
 * and the ground truth of what a harvest must deliver.
 *
 * The episodes are those of the Opencast simulator with the same `seed` and
 * `episodes` (`startSimulator`): start one beside it (`flavor: "oc16"`,
 * `usertracking: false`, as an Opencast 18+ engage node) to enrich the
 * records.
 *
 * @module
 */
import { serveSimulator, type SimulatorHttpServer } from "./_serve.ts";
import { ConfigError } from "../errors.ts";
import { generateCatalog, type SimEpisode } from "./_generate.ts";
import { Random } from "./_random.ts";
import {
  defaultEpisodeDimension,
  type MatomoGroundTruth,
  matomoGroundTruth,
} from "./matomo/_ground_truth.ts";
import {
  type MatomoApiContext,
  type MatomoApiCounters,
  matomoApiResponse,
  type VisitorLogSetting,
} from "./matomo/_matomo_api.ts";
import {
  type TrackerDimensions,
  VISIT_TIMEOUT_SECONDS,
  VisitGenerator,
} from "./matomo/_visit_generator.ts";
import type { SimCustomDimension } from "./matomo/_visit_json.ts";
import { VisitLog } from "./matomo/_visit_log.ts";
import type {
  SimMatomoAction,
  SimVisit,
  VisitStyle,
} from "./matomo/_visit_model.ts";

export type {
  MatomoGroundTruth,
  SkippedMatomoAction,
} from "./matomo/_ground_truth.ts";
export type { VisitorLogSetting } from "./matomo/_matomo_api.ts";
export type { TrackerDimensions } from "./matomo/_visit_generator.ts";
export type { SimCustomDimension } from "./matomo/_visit_json.ts";
export type {
  MatomoSkipReason,
  SimMatomoAction,
  SimVisit,
  VisitStyle,
} from "./matomo/_visit_model.ts";

/** The site's custom dimensions unless told otherwise (matomo-api.md §1). */
export const DEFAULT_MATOMO_DIMENSIONS: readonly SimCustomDimension[] = [
  { id: 1, index: 1, name: "Video ID", scope: "action", active: true },
  { id: 2, index: 2, name: "Series ID", scope: "action", active: true },
  // A visit-scope copy of the video id names only a visit's last video.
  { id: 3, index: 1, name: "Video ID (visit)", scope: "visit", active: true },
];

/** Where the simulated tracker writes, unless told otherwise. */
export const DEFAULT_TRACKER_DIMENSIONS: TrackerDimensions = {
  episode: 1,
  series: 2,
  visitEpisode: 3,
};

/** Settings of the Matomo simulator. */
export interface MatomoSimulatorOptions {
  /** @default {"127.0.0.1"} */
  readonly hostname?: string;
  /**
   * Port to listen on; 0 picks a free one.
   *
   * @default {8080}
   */
  readonly port?: number;
  /**
   * Seed of all generated data; the episodes are the Opencast simulator's
   * with the same seed and `episodes`.
   *
   * @default {1}
   */
  readonly seed?: number;
  /**
   * About how many actions the visits of the span hold at start.
   *
   * @default {1000}
   */
  readonly actions?: number;
  /**
   * Episodes of the catalog (as `startSimulator`'s `episodes`).
   *
   * @default {50}
   */
  readonly episodes?: number;
  /**
   * The end of the span of the visits at start (cut to whole seconds).
   *
   * @default {Temporal.Now.instant()}
   */
  readonly spanEnd?: Temporal.Instant;
  /**
   * Visits start within `[spanEnd - spanSeconds, spanEnd]` and end by `spanEnd`.
   *
   * @default {7200}
   */
  readonly spanSeconds?: number;
  /**
   * The site's zone (IANA name): action `timestamp`s are its wall time.
   *
   * @default {"Europe/Berlin"}
   */
  readonly timezone?: string;
  /**
   * Visits around the last two daylight-saving changes of the site's zone
   * before `spanEnd` (half around each; some cross the change). See
   * `dstTransitions()`.
   *
   * @default {24}
   */
  readonly dstVisits?: number;
  /**
   * The token the API accepts (in the POST body only).
   *
   * @default {"simulator-token"}
   */
  readonly tokenAuth?: string;
  /** @default {1} */
  readonly idSite?: number;
  /** @default {"Lecture videos"} */
  readonly siteName?: string;
  /**
   * `visitor_log_maximum_actions_per_visit`: actions past it are cut.
   *
   * @default {500}
   */
  readonly maxActionsPerVisit?: number;
  /**
   * Whether `Live.getLastVisitsDetails` answers or says the visits log is
   * deactivated (globally or for the site).
   *
   * @default {"enabled"}
   */
  readonly visitorLog?: VisitorLogSetting;
  /**
   * The site's configured custom dimensions.
   *
   * @default {DEFAULT_MATOMO_DIMENSIONS}
   */
  readonly dimensions?: readonly SimCustomDimension[];
  /**
   * Which dimensions the tracker writes the episode and series into.
   *
   * @default {DEFAULT_TRACKER_DIMENSIONS}
   */
  readonly trackerDimensions?: TrackerDimensions;
  /** @default {"5.3.2"} */
  readonly version?: string;
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
   * Log nothing, not even the listening address at info.
   *
   * @default {false}
   */
  readonly quiet?: boolean;
}

/** Options of {@linkcode MatomoSimulator.arrive}. */
export interface MatomoArrivalOptions {
  /**
   * When the arrivals are tracked (cut to whole seconds).
   *
   * @default {Temporal.Now.instant()}
   */
  readonly at?: Temporal.Instant;
  /**
   * Steps of visits still open at `at` (last action under 30 minutes
   * before): each adds actions (moving its visit forward in the order) or
   * is a heartbeat that only moves the last action time. With no open
   * visit, a new one starts instead.
   *
   * @default {0}
   */
  readonly appends?: number;
  /**
   * New visits with a first action at `at`.
   *
   * @default {0}
   */
  readonly newVisits?: number;
  /**
   * Visits queued tracking inserts now, whose last action lies
   * `lateMinutes` behind `at` (new ids, old times).
   *
   * @default {0}
   */
  readonly lateVisits?: number;
  /** @default {5} */
  readonly lateMinutes?: number;
}

/** What arrived. */
export interface MatomoArrival {
  /** The actions stored, in id order. */
  readonly actions: readonly SimMatomoAction[];
  /** The visits that got actions, started, or moved (heartbeats). */
  readonly visits: readonly number[];
}

/** Request counters of the Matomo simulator (API requests only). */
export interface MatomoSimulatorStats {
  /** Requests with `module=API`. */
  readonly requests: number;
  /** Requests per `method`. */
  readonly byMethod: Readonly<Record<string, number>>;
  /** `Live.getLastVisitsDetails` with `filter_limit` `-1` (or below 1): a harvester must never send it. */
  readonly unlimitedRequests: number;
  /** Requests with `token_auth` in the query string. */
  readonly tokenInUrl: number;
  /** Requests refused for a wrong token (Matomo's brute-force protection counts them). */
  readonly authFailures: number;
  /** The largest `filter_limit` asked for. */
  readonly largestLimit: number;
}

/** A running Matomo simulator. */
export interface MatomoSimulator extends AsyncDisposable {
  /** Base URL (`MATOMO_URL`), e.g. `http://127.0.0.1:8080`; the API is `/index.php` under it. */
  readonly url: string;
  readonly port: number;
  /** The site's zone. */
  readonly timezone: string;
  /** The token the API accepts. */
  readonly tokenAuth: string;
  readonly idSite: number;
  /** Stops the server. */
  close(): Promise<void>;
  /** Live arrivals of each kind (see the options). */
  arrive(options?: MatomoArrivalOptions): MatomoArrival;
  /**
   * About `count` actions arriving now (or at `created`): steps of open
   * visits and new visits, now and then a late one. What `simulate
   * --arrivals-per-second` calls.
   */
  appendActions(
    count: number,
    options?: { readonly created?: Temporal.Instant },
  ): SimMatomoAction[];
  /**
   * What a harvest must deliver and skip, as things stand. The episode
   * dimension is the one a harvester picks by default (the active
   * action-scope dimension named like "episode"/"video id"), or the given
   * one (`null`: none).
   */
  groundTruth(
    options?: { readonly episodeDimension?: number | null },
  ): MatomoGroundTruth;
  /** Every visit, in `idvisit` order (live objects: do not change them). */
  visits(): readonly SimVisit[];
  /** The episodes (as the Opencast simulator with the same seed serves them). */
  episodes(): readonly SimEpisode[];
  /** The daylight-saving changes the `dstVisits` lie around, oldest first. */
  dstTransitions(): readonly Temporal.Instant[];
  /** The next `count` API requests answer `status` (a proxy's error page). */
  failNext(count: number, status?: number): void;
  /** Switches the visitor log on or off. */
  setVisitorLog(setting: VisitorLogSetting): void;
  stats(): MatomoSimulatorStats;
  resetStats(): void;
  /** The parameters of the API requests so far (token left out), oldest first. */
  requestLog(): readonly Readonly<Record<string, string>>[];
}

/** Steps of a visit's script at start, by style. */
const STEPS: Readonly<Record<VisitStyle, readonly [number, number]>> = {
  "paella8": [1, 10],
  "tobira": [5, 40],
  "tobira-two-videos": [20, 50],
  "paella7": [5, 30],
  "paella7-embedded": [5, 20],
  "anonymous-merged": [100, 400],
  "other": [1, 6],
};

/** How many request parameter sets `requestLog()` keeps. */
const REQUEST_LOG_SIZE = 10_000;

function requireNumber(
  value: number,
  flag: string,
  min: number,
  max: number,
): void {
  if (
    typeof value !== "number" || !Number.isInteger(value) || value < min ||
    value > max
  ) {
    throw new ConfigError(
      `Set ${flag} to a whole number from ${min} to ${max} (got ${value})`,
    );
  }
}

/** Starts a Matomo simulator; validates the options before listening. */
export async function startMatomoSimulator(
  options: MatomoSimulatorOptions = {},
): Promise<MatomoSimulator> {
  const {
    hostname = "127.0.0.1",
    port = 8080,
    seed = 1,
    actions = 1000,
    episodes = 50,
    spanSeconds = 7200,
    timezone = "Europe/Berlin",
    dstVisits = 24,
    tokenAuth = "simulator-token",
    idSite = 1,
    siteName = "Lecture videos",
    maxActionsPerVisit = 500,
    visitorLog = "enabled",
    dimensions = DEFAULT_MATOMO_DIMENSIONS,
    trackerDimensions = DEFAULT_TRACKER_DIMENSIONS,
    version = "5.3.2",
    latencyMs = 0,
    failRate = 0,
    quiet = false,
  } = options;
  requireNumber(port, "--port", 0, 65_535);
  requireNumber(seed, "--seed", -(2 ** 31), 2 ** 32 - 1);
  requireNumber(actions, "--actions", 0, 10_000_000);
  requireNumber(episodes, "--episodes", 0, 100_000);
  requireNumber(spanSeconds, "--span-seconds", 1, 10 * 365 * 86_400);
  requireNumber(dstVisits, "dstVisits", 0, 100_000);
  requireNumber(idSite, "--site-id", 1, 1_000_000);
  requireNumber(maxActionsPerVisit, "--max-actions-per-visit", 1, 1_000_000);
  if (!(latencyMs >= 0)) {
    throw new ConfigError(`Set --latency-ms to at least 0 (got ${latencyMs})`);
  }
  if (!(failRate >= 0 && failRate <= 1)) {
    throw new ConfigError(
      `Set --fail-rate to a number from 0 to 1 (got ${failRate})`,
    );
  }
  if (tokenAuth === "" || tokenAuth === "anonymous") {
    throw new ConfigError(
      "Set --token-auth to a token other than empty or anonymous",
    );
  }
  try {
    Temporal.Now.zonedDateTimeISO(timezone);
  } catch {
    throw new ConfigError(
      `Set --timezone to an IANA time zone name such as Europe/Berlin (got ${timezone})`,
    );
  }
  if (
    !["enabled", "disabled-globally", "disabled-for-site"].includes(visitorLog)
  ) {
    throw new ConfigError(
      `Set the visitor log to enabled, disabled-globally or disabled-for-site (got ${visitorLog})`,
    );
  }
  const spanEnd = options.spanEnd ?? Temporal.Now.instant();
  const server = new MatomoServer({
    seed,
    actions,
    episodes,
    spanEndSeconds: Math.floor(spanEnd.epochMilliseconds / 1000),
    spanSeconds,
    timezone,
    dstVisits,
    tokenAuth,
    idSite,
    siteName,
    maxActionsPerVisit,
    visitorLog,
    dimensions,
    trackerDimensions,
    version,
    latencyMs,
    failRate,
    quiet,
  });
  await server.listen(hostname, port);
  return server;
}

interface Settings {
  readonly seed: number;
  readonly actions: number;
  readonly episodes: number;
  readonly spanEndSeconds: number;
  readonly spanSeconds: number;
  readonly timezone: string;
  readonly dstVisits: number;
  readonly tokenAuth: string;
  readonly idSite: number;
  readonly siteName: string;
  readonly maxActionsPerVisit: number;
  readonly visitorLog: VisitorLogSetting;
  readonly dimensions: readonly SimCustomDimension[];
  readonly trackerDimensions: TrackerDimensions;
  readonly version: string;
  readonly latencyMs: number;
  readonly failRate: number;
  readonly quiet: boolean;
}

function emptyCounters(): MatomoApiCounters {
  return {
    requests: 0,
    byMethod: {},
    unlimitedRequests: 0,
    tokenInUrl: 0,
    authFailures: 0,
    largestLimit: 0,
  };
}

class MatomoServer implements MatomoSimulator {
  #settings: Settings;
  #rng: Random;
  #failRandom: Random;
  #generator: VisitGenerator;
  #log: VisitLog;
  #episodes: SimEpisode[];
  #transitions: Temporal.Instant[] = [];
  #context: MatomoApiContext;
  #counters = emptyCounters();
  #requestLog: Record<string, string>[] = [];
  #failNext: { remaining: number; status: number }[] = [];
  #http?: SimulatorHttpServer;

  constructor(settings: Settings) {
    this.#settings = settings;
    const spanEnd = Temporal.Instant.fromEpochMilliseconds(
      settings.spanEndSeconds * 1000,
    );
    // The catalog from the seed alone, as the Opencast simulator makes it.
    const catalog = generateCatalog(
      new Random(settings.seed),
      settings.episodes,
      spanEnd,
      settings.timezone,
    );
    this.#episodes = catalog.episodes;
    this.#rng = new Random(settings.seed ^ 0x6d61746f);
    this.#failRandom = new Random(settings.seed ^ 0x5bd1e995);
    const popular = [...catalog.episodes];
    for (let i = popular.length - 1; i > 0; i--) {
      const j = this.#rng.int(0, i);
      [popular[i], popular[j]] = [popular[j]!, popular[i]!];
    }
    this.#generator = new VisitGenerator(this.#rng, {
      episodes: popular.map((e) => ({
        id: e.id,
        title: e.title,
        series: e.series,
      })),
      missingEpisodeIds: catalog.missingEpisodeIds,
      dimensions: settings.trackerDimensions,
    });
    this.#log = new VisitLog(
      this.#rng.int(1_000, 90_000),
      this.#rng.int(100_000, 900_000),
    );
    this.#context = {
      log: this.#log,
      idSite: settings.idSite,
      siteName: settings.siteName,
      timeZone: settings.timezone,
      token: settings.tokenAuth,
      version: settings.version,
      dimensions: settings.dimensions,
      maxActionsPerVisit: settings.maxActionsPerVisit,
      visitorLog: settings.visitorLog,
      actionIds: new Map(),
    };
    this.#loadInitialVisits();
  }

  #loadInitialVisits(): void {
    const { spanEndSeconds, spanSeconds, actions, dstVisits, timezone } =
      this.#settings;
    const rng = this.#rng;
    const generator = this.#generator;
    const first = spanEndSeconds - spanSeconds;
    const drafts = [];
    let total = 0;
    if (actions >= 200) {
      // One merged anonymous visit, long enough to be cut at 500 actions
      // when the span is.
      const steps = Math.min(420, Math.round(actions * 0.35));
      const visit = generator.visit("anonymous-merged", first, steps, {
        until: spanEndSeconds,
      });
      drafts.push(visit);
      total += visit.actions.length;
    }
    while (total < actions) {
      const style = generator.pickStyle();
      if (style === "anonymous-merged") continue;
      const [min, max] = STEPS[style];
      const visit = generator.visit(
        style,
        rng.int(first, spanEndSeconds),
        rng.int(min, max),
        { until: spanEndSeconds },
      );
      drafts.push(visit);
      total += visit.actions.length;
    }
    // Visits around the last two daylight-saving changes: before, across,
    // within a repeated or skipped hour.
    let at = Temporal.Instant.fromEpochMilliseconds(spanEndSeconds * 1000)
      .toZonedDateTimeISO(timezone);
    for (let n = 0; n < 2 && dstVisits > 0; n++) {
      const previous = at.getTimeZoneTransition("previous");
      if (!previous) break;
      this.#transitions.unshift(previous.toInstant());
      at = previous;
      const change = previous.epochMilliseconds / 1000;
      const count = Math.ceil(dstVisits / 2);
      for (let i = 0; i < count; i++) {
        let style = generator.pickStyle();
        if (style === "anonymous-merged") style = "tobira";
        const [min, max] = STEPS[style];
        // The first three: across the change, within the hour before it
        // (a repeated hour's first occurrence at fall-back), and within the
        // hour after it; the rest anywhere around it.
        const startSeconds = i === 0
          ? change - rng.int(3, 8) * 60
          : i === 1
          ? change - rng.int(50, 58) * 60
          : i === 2
          ? change + rng.int(2, 30) * 60
          : change - 70 * 60 + rng.int(0, 130 * 60);
        drafts.push(
          generator.visit(
            i === 0 ? "tobira" : style,
            startSeconds,
            i === 0 ? 120 : rng.int(min, max),
            { until: i === 1 ? change - 1 : change + 3 * 3600 },
          ),
        );
      }
    }
    const visits = this.#log.load(drafts);
    drafts.forEach((draft, i) => generator.adopt(draft, visits[i]!));
  }

  async listen(hostname: string, port: number): Promise<void> {
    this.#http = await serveSimulator({
      hostname,
      port,
      name: "Matomo simulator",
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

  get tokenAuth(): string {
    return this.#settings.tokenAuth;
  }

  get idSite(): number {
    return this.#settings.idSite;
  }

  close(): Promise<void> {
    return this.#http?.close() ?? Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  arrive(options: MatomoArrivalOptions = {}): MatomoArrival {
    const {
      appends = 0,
      newVisits = 0,
      lateVisits = 0,
      lateMinutes = 5,
    } = options;
    for (
      const [name, value] of [
        ["appends", appends],
        ["newVisits", newVisits],
        ["lateVisits", lateVisits],
        ["lateMinutes", lateMinutes],
      ] as const
    ) {
      if (!Number.isInteger(value) || value < 0) {
        throw new RangeError(
          `Cannot simulate arrivals as '${name}' must be a non-negative integer: current value is ${value}`,
        );
      }
    }
    const at = Math.floor(
      (options.at ?? Temporal.Now.instant()).epochMilliseconds / 1000,
    );
    const stored: SimMatomoAction[] = [];
    const touched = new Set<number>();
    for (let i = 0; i < appends; i++) {
      const open = this.#openVisits(at);
      if (open.length === 0) {
        this.#newVisit(at, stored, touched);
        continue;
      }
      const visit = this.#rng.pick(open);
      const drafts = this.#generator.step(visit, at);
      stored.push(...this.#log.append(visit, drafts));
      touched.add(visit.idVisit);
    }
    for (let i = 0; i < newVisits; i++) this.#newVisit(at, stored, touched);
    for (let i = 0; i < lateVisits; i++) {
      const end = at - lateMinutes * 60;
      let style = this.#generator.pickStyle();
      if (style === "anonymous-merged") style = "paella7";
      const draft = this.#generator.visit(
        style,
        end - this.#rng.int(60, 600),
        this.#rng.int(2, 8),
        { until: end },
      );
      const visit = this.#log.add(draft);
      this.#generator.adopt(draft, visit);
      stored.push(...visit.actions);
      touched.add(visit.idVisit);
    }
    stored.sort((a, b) => a.pageId - b.pageId);
    return { actions: stored, visits: [...touched] };
  }

  appendActions(
    count: number,
    options: { readonly created?: Temporal.Instant } = {},
  ): SimMatomoAction[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(
        `Cannot append actions: count must be a non-negative integer (got ${count})`,
      );
    }
    const at = options.created ?? Temporal.Now.instant();
    const added: SimMatomoAction[] = [];
    if (count > 0 && this.#rng.chance(0.1)) {
      added.push(...this.arrive({ at, lateVisits: 1 }).actions);
    }
    while (added.length < count) {
      const arrival = this.#rng.chance(0.25)
        ? this.arrive({ at, newVisits: 1 })
        : this.arrive({ at, appends: 1 });
      added.push(...arrival.actions);
    }
    return added;
  }

  #openVisits(at: number): SimVisit[] {
    return this.#log.visits.filter((visit) =>
      visit.lastActionSeconds <= at &&
      at - visit.lastActionSeconds < VISIT_TIMEOUT_SECONDS
    );
  }

  #newVisit(at: number, stored: SimMatomoAction[], touched: Set<number>) {
    let style = this.#generator.pickStyle();
    if (style === "anonymous-merged") style = "tobira";
    const draft = this.#generator.visit(style, at, 0);
    const visit = this.#log.add(draft);
    this.#generator.adopt(draft, visit);
    stored.push(...visit.actions);
    touched.add(visit.idVisit);
  }

  groundTruth(
    options: { readonly episodeDimension?: number | null } = {},
  ): MatomoGroundTruth {
    const episodeDimension = options.episodeDimension !== undefined
      ? options.episodeDimension
      : defaultEpisodeDimension(this.#settings.dimensions);
    return matomoGroundTruth(this.#log.visits, {
      episodeDimension,
      maxActionsPerVisit: this.#settings.maxActionsPerVisit,
    });
  }

  visits(): readonly SimVisit[] {
    return this.#log.visits;
  }

  episodes(): readonly SimEpisode[] {
    return this.#episodes;
  }

  dstTransitions(): readonly Temporal.Instant[] {
    return this.#transitions;
  }

  failNext(count: number, status = 503): void {
    this.#failNext.push({ remaining: count, status });
  }

  setVisitorLog(setting: VisitorLogSetting): void {
    this.#context = { ...this.#context, visitorLog: setting };
  }

  stats(): MatomoSimulatorStats {
    return { ...this.#counters, byMethod: { ...this.#counters.byMethod } };
  }

  resetStats(): void {
    this.#counters = emptyCounters();
    this.#requestLog = [];
  }

  requestLog(): readonly Readonly<Record<string, string>>[] {
    return [...this.#requestLog];
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/_sim/")) return this.#admin(request, url);
    if (url.pathname !== "/" && !url.pathname.endsWith("/index.php")) {
      return new Response("Not Found", { status: 404 });
    }
    const body = await formBody(request);
    if (this.#settings.latencyMs > 0) {
      await new Promise((r) => setTimeout(r, this.#settings.latencyMs));
    }
    const rule = this.#failNext.find((r) => r.remaining > 0);
    if (rule) {
      if (--rule.remaining === 0) {
        this.#failNext.splice(this.#failNext.indexOf(rule), 1);
      }
      return errorPage(rule.status);
    }
    if (
      this.#settings.failRate > 0 &&
      this.#failRandom.next() < this.#settings.failRate
    ) {
      return errorPage(503);
    }
    const logged: Record<string, string> = {};
    for (const params of [body, url.searchParams]) {
      for (const [name, value] of params) {
        if (name !== "token_auth") logged[name] = value;
      }
    }
    if (this.#requestLog.length >= REQUEST_LOG_SIZE) this.#requestLog.shift();
    this.#requestLog.push(logged);
    const answer = matomoApiResponse(
      { query: url.searchParams, body },
      this.#context,
      this.#counters,
    );
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": answer.contentType },
    });
  }

  #admin(request: Request, url: URL): Response {
    const params = url.searchParams;
    const jsonResponse = (value: unknown) =>
      new Response(JSON.stringify(value), {
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    const count = Number(params.get("count") ?? 1);
    switch (`${request.method} ${url.pathname}`) {
      case "POST /_sim/actions": {
        if (!Number.isInteger(count) || count < 0) {
          return new Response("Set count to a non-negative integer", {
            status: 400,
          });
        }
        const raw = params.get("created");
        let created: Temporal.Instant | undefined;
        try {
          created = raw ? Temporal.Instant.from(raw) : undefined;
        } catch {
          return new Response(
            "Set created to an ISO 8601 instant with an offset",
            { status: 400 },
          );
        }
        return jsonResponse(this.appendActions(count, { created }));
      }
      case "GET /_sim/truth":
        return jsonResponse(this.groundTruth());
      case "GET /_sim/stats":
        return jsonResponse(this.stats());
      case "POST /_sim/fail": {
        const status = Number(params.get("status") ?? 503);
        if (!Number.isInteger(count) || count < 1 || !(status >= 100)) {
          return new Response("Set count and status to integers", {
            status: 400,
          });
        }
        this.failNext(count, status);
        return new Response(null, { status: 204 });
      }
      default:
        return new Response("Not Found", { status: 404 });
    }
  }
}

/** The form fields of a POST body (urlencoded or multipart), else none. */
async function formBody(request: Request): Promise<URLSearchParams> {
  if (request.method !== "POST") return new URLSearchParams();
  const type = request.headers.get("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return new URLSearchParams(await request.text());
  }
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData();
    const params = new URLSearchParams();
    for (const [name, value] of form) {
      if (typeof value === "string") params.append(name, value);
    }
    return params;
  }
  await request.body?.cancel();
  return new URLSearchParams();
}

function errorPage(status: number): Response {
  return new Response(
    `<html><head><title>${status}</title></head><body><h1>${status}</h1></body></html>`,
    { status, headers: { "content-type": "text/html" } },
  );
}

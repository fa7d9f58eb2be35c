/**
 * Synthetic Opencast data: episodes, workflows and user actions, all derived
 * from one seeded PRNG so a seed (and a fixed span end) always gives the same
 * data. The shapes cover the quirks a client must survive (opencast-api.md
 * §3, §4.1, §5.1, §8).
 *
 * @module
 */
import { DEFAULT_WORKFLOW_DEFINITION } from "../config/defaults.ts";
import type { Random } from "./_random.ts";

/** One user action as the simulator stores it (plain data). */
export interface SimAction {
  /** Database id; increasing in insertion order, with occasional gaps of up to 50. */
  readonly id: number;
  /** The episode id; some point to no episode at all. */
  readonly mediapackageId: string;
  /** Servlet session id, `-omitted-`, or all digits (then a JSON number). */
  readonly sessionId: string;
  /** HUID (digits, a JSON number), login name, `anonymous`, `-omitted-`; `null` = key absent. */
  readonly userId: string | null;
  /** Client address, an `X-Forwarded-For` chain, or `-omitted-`. */
  readonly userIp: string;
  /** `null` when the request had no User-Agent (key absent). */
  readonly userAgent: string | null;
  /** Player position, seconds. */
  readonly inpoint: number;
  /** Player position, seconds. */
  readonly outpoint: number;
  /** `outpoint - inpoint`. */
  readonly length: number;
  /** `PLAY`, `HEARTBEAT`, `RESIZE-TO-1280x720`, … */
  readonly type: string;
  /** DCE encoding: 0 paused, 1 playing, 2 playing a live stream. */
  readonly isPlaying: 0 | 1 | 2;
  /** Creation time, whole seconds. */
  readonly created: Temporal.Instant;
  /** `created` as epoch seconds. */
  readonly createdEpochSeconds: number;
  /** `created` as the server writes it: server zone, with offset. */
  readonly createdText: string;
}

/** A mediapackage track. */
export interface SimTrack {
  /** Element id. */
  readonly id: string;
  /** Flavor, e.g. `presenter/delivery`. */
  readonly type: string;
  /** Download URL. */
  readonly url: string;
}

/** A mediapackage attachment. */
export interface SimAttachment {
  /** Element id. */
  readonly id: string;
  /** Flavor, e.g. `presentation/segment+preview`. */
  readonly type: string;
  /** `track:<id>` or `track:<id>;time=T00:02:33:0F1000`. */
  readonly ref: string;
  /** Image URL. */
  readonly url: string;
}

/** One published episode. */
export interface SimEpisode {
  /** The mediapackage id. */
  readonly id: string;
  /** Title; now and then all digits (then a JSON number). */
  readonly title: string;
  /** Milliseconds; absent for some. */
  readonly duration?: number;
  /** Recording start; absent for some (clients fall back to `dcCreated`). */
  readonly start?: Temporal.Instant;
  /** The creation date (`dcCreated`, and the search `createdFrom/To` key); some within the last day. */
  readonly created: Temporal.Instant;
  /** Last modification. */
  readonly modified: Temporal.Instant;
  /** Retraction date for deleted episodes (only found with `includeDeleted`). */
  readonly deleted?: Temporal.Instant;
  /** 11-digit DCE series id (`YYYY` `TT` `NNNNN`); absent for some. */
  readonly series?: string;
  /** Course name; absent for some. */
  readonly seriesTitle?: string;
  /** Lecturer. */
  readonly creator: string;
  /** DCE `dcType` such as `L07`; absent for some. */
  readonly dcType?: string;
  /** `dcDescription`; absent for some. */
  readonly dcDescription?: string;
  /** Tracks (presenter and presentation). */
  readonly tracks: readonly SimTrack[];
  /** Attachments in document order; empty for some. */
  readonly attachments: readonly SimAttachment[];
  /** `true` when the most recent SUCCEEDED publish workflow has a `capture` operation. */
  readonly live: boolean;
}

/** One workflow operation. */
export interface SimOperation {
  /** The operation name (`capture`, `retract-element`, …), the `id` attribute up to OC 11. */
  readonly name: string;
  /** `SUCCEEDED`, `SKIPPED`, `FAILED`. */
  readonly state: string;
  /** Human description. */
  readonly description: string;
  /** Job id, when the operation ran. */
  readonly job?: number;
  /** Epoch milliseconds; absent when it never started. */
  readonly started?: number;
  /** Epoch milliseconds; absent when it never finished. */
  readonly completed?: number;
}

/** One workflow instance. */
export interface SimWorkflow {
  /** Instance id; higher is newer. */
  readonly id: number;
  /** The mediapackage it ran on. */
  readonly mediapackageId: string;
  /** `SUCCEEDED` or `FAILED`. */
  readonly state: string;
  /** Definition id, e.g. `DCE-archive-publish-external`. */
  readonly template: string;
  /** Workflow title. */
  readonly title: string;
  /** When it was created (the default sort key). */
  readonly created: Temporal.Instant;
  /** Operations in execution order. */
  readonly operations: readonly SimOperation[];
}

/** The DCE publish workflow definition id: the one `load_episodes` reads by default. */
export const PUBLISH_TEMPLATE = DEFAULT_WORKFLOW_DEFINITION;

const COURSES = [
  "CSCI E-119 Data Structures",
  "PHYS 181 Statistical Mechanics",
  "ECON E-10a Principles of Economics",
  "HIST 1401 Modern Europe",
  "MATH E-21b Linear Algebra",
  "STAT 110 Probability",
  "ENGL E-182 Shakespeare",
  "GOV 20 Comparative Politics",
  "CHEM S-17 Organic Chemistry",
  "PSYC E-15 Abnormal Psychology",
  "BIOS E-1a Cell Biology",
  "CSCI E-50 Introduction to Computer Science",
] as const;

const TOPICS = [
  "Greedy Algorithms",
  "Entropy",
  "Hash Tables",
  "Supply and Demand",
  "The Congress of Vienna",
  "Eigenvalues",
  "Bayes' Rule",
  "Hamlet",
  "Electoral Systems",
  "Stereochemistry",
  "Mitosis",
  "Pointers",
  "Dynamic Programming",
  "Markov Chains",
  "Review Session",
] as const;

const LECTURERS = [
  "Jane Q. Lecturer",
  "David J. Malan",
  "Henry H. Leitner",
  "Maria Alvarez",
  "Wei Chen",
  "Samuel Okafor",
] as const;

const USER_AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_6) AppleWebKit/601.7.7 (KHTML, like Gecko) Version/9.1.2 Safari/601.7.7",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.71 Safari/537.36",
  "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:49.0) Gecko/20100101 Firefox/49.0",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/53.0.2785.143 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 10_0_2 like Mac OS X) AppleWebKit/602.1.50 (KHTML, like Gecko) Version/10.0 Mobile/14A456 Safari/602.1",
  "Mozilla/5.0 (iPad; CPU OS 9_3_5 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13G36 Safari/601.1",
  "Mozilla/5.0 (Linux; Android 7.0; SM-G930V Build/NRD90M) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/54.0.2840.85 Mobile Safari/537.36",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/51.0.2704.79 Safari/537.36 Edge/14.14393",
] as const;

/** Action types and their weights; HEARTBEAT dominates as on DCE. */
const ACTION_TYPES: readonly (readonly [string, number])[] = [
  ["HEARTBEAT", 50],
  ["FOOTPRINT", 14],
  ["PLAY", 7],
  ["PAUSE", 6],
  ["SEEK", 5],
  ["RESIZE-TO-1280x720", 2],
  ["RESIZE-TO-1920x1080", 1],
  ["RESIZE-TO-640x360", 1],
  ["VOLUME-UP", 1],
  ["VOLUME-DOWN", 1],
  ["MUTE", 0.5],
  ["UNMUTE", 0.5],
  ["FULLSCREEN", 1],
  ["NORMAL-SCREEN", 0.5],
  ["SEARCH-entropy", 0.3],
  ["SEARCH-hash table", 0.2],
  ["CAPTIONS-ON", 0.4],
  ["paella:setplaybackrate", 0.4],
];

const DIGITS = "0123456789";
const SESSION_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/** The MPEG-7 time point of a segment preview `ref`, e.g. `T00:02:33:0F1000`. */
function mediaTimePoint(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  return `T${pad2(Math.floor(seconds / 3600))}:${
    pad2(Math.floor(seconds / 60) % 60)
  }:${pad2(seconds % 60)}:${milliseconds % 1000}F1000`;
}

/** What `generateCatalog` makes. */
export interface Catalog {
  /** Episodes, in generation order. */
  readonly episodes: SimEpisode[];
  /** Workflows, ascending by id. */
  readonly workflows: SimWorkflow[];
  /** Mediapackage ids actions use that have no episode. */
  readonly missingEpisodeIds: string[];
}

interface Course {
  readonly title: string;
  readonly series: string;
  lecture: number;
}

/** Generates the episodes and their workflows. */
export function generateCatalog(
  rng: Random,
  count: number,
  spanEnd: Temporal.Instant,
  timeZone: string,
): Catalog {
  const endYear = spanEnd.toZonedDateTimeISO(timeZone).year;
  const courses: Course[] = [];
  const courseCount = Math.max(
    1,
    Math.min(COURSES.length, Math.ceil(count / 5)),
  );
  for (let i = 0; i < courseCount; i++) {
    const year = endYear - rng.int(0, 1);
    const term = rng.pick(["01", "02", "03", "04"]);
    const crn = rng.string(1, "123456789") + rng.string(4, DIGITS);
    courses.push({
      title: COURSES[i]!,
      series: `${year}${term}${crn}`,
      lecture: 0,
    });
  }
  const episodes: SimEpisode[] = [];
  const pending: Omit<SimWorkflow, "id">[] = [];
  // The last few episodes were created within the day before the span end,
  // so `load_episodes` with its default of one day finds some.
  const recent = count === 0 ? 0 : Math.max(1, Math.round(count * 0.06));
  for (let i = 0; i < count; i++) {
    const course = rng.pick(courses);
    const lecture = ++course.lecture;
    const id = rng.uuid();
    const created = i >= count - recent
      ? spanEnd.subtract({ minutes: rng.int(10, 20 * 60) })
        .round({ smallestUnit: "minute", roundingMode: "floor" })
      : spanEnd.toZonedDateTimeISO(timeZone)
        .subtract({ days: rng.int(1, 150) })
        .with({
          hour: rng.int(9, 19),
          minute: rng.pick([0, 30]),
          second: 0,
          millisecond: 0,
          microsecond: 0,
          nanosecond: 0,
        })
        .toInstant();
    const hasSeries = rng.chance(0.9);
    const duration = rng.chance(0.06)
      ? undefined
      : rng.int(45 * 60, 95 * 60) * 1000 + rng.int(0, 999);
    const tracks: SimTrack[] = ["presenter", "presentation"].map((kind) => ({
      id: rng.uuid(),
      type: `${kind}/delivery`,
      url: `https://cdn.example.edu/e/${id}/${kind}.mp4`,
    }));
    const wantsLive = rng.chance(0.25);
    const workflowCount = rng.weighted([[0, 12], [1, 63], [2, 20], [3, 5]]);
    const workflows = generateWorkflows(rng, {
      mediapackageId: id,
      created,
      count: workflowCount,
      live: wantsLive,
      duration: duration ?? 75 * 60 * 1000,
    });
    pending.push(...workflows);
    const latestSucceeded = workflows.findLast((w) =>
      w.state === "SUCCEEDED" && w.template === PUBLISH_TEMPLATE
    );
    // Nothing is modified or retracted after the span end ("now").
    const retracted = rng.chance(0.05)
      ? created.add({ hours: rng.int(24, 24 * 20) })
      : undefined;
    const deleted =
      retracted && Temporal.Instant.compare(retracted, spanEnd) <= 0
        ? retracted
        : undefined;
    const edited = created.add({ minutes: rng.int(60, 48 * 60) });
    const modified = Temporal.Instant.compare(edited, spanEnd) <= 0
      ? edited
      : Temporal.Instant.compare(created, spanEnd) < 0
      ? spanEnd
      : created;
    episodes.push({
      id,
      title: rng.chance(0.03)
        ? String(rng.int(1900, 2020))
        : `Lecture ${pad2(lecture)}: ${rng.pick(TOPICS)}`,
      duration,
      start: rng.chance(0.1) ? undefined : created,
      created,
      modified,
      deleted,
      series: hasSeries ? course.series : undefined,
      seriesTitle: hasSeries && rng.chance(0.92) ? course.title : undefined,
      creator: rng.pick(LECTURERS),
      dcType: rng.chance(0.7) ? `L${pad2(lecture)}` : undefined,
      dcDescription: rng.chance(0.5)
        ? rng.pick(["Lecture", "Section", "Review session", "Guest lecture"])
        : undefined,
      tracks,
      attachments: generateAttachments(rng, id, tracks),
      live: latestSucceeded?.operations.some((op) => op.name === "capture") ??
        false,
    });
  }
  // Instance ids follow creation order, with the gaps a shared sequence leaves.
  pending.sort((a, b) => Temporal.Instant.compare(a.created, b.created));
  let nextId = rng.int(40_000, 49_000);
  const workflows = pending.map((w) => {
    nextId += rng.int(1, 40);
    return { ...w, id: nextId };
  });
  const missingEpisodeIds: string[] = [];
  const missingCount = Math.max(1, Math.ceil(count / 12));
  for (let i = 0; i < missingCount; i++) missingEpisodeIds.push(rng.uuid());
  return { episodes, workflows, missingEpisodeIds };
}

function generateAttachments(
  rng: Random,
  id: string,
  tracks: readonly SimTrack[],
): SimAttachment[] {
  const [presenter, presentation] = tracks as [SimTrack, SimTrack];
  const base = `https://cdn.example.edu/e/${id}`;
  const attachments: SimAttachment[] = [];
  const add = (type: string, ref: string, file: string) =>
    attachments.push({ id: rng.uuid(), type, ref, url: `${base}/${file}` });
  const variant = rng.weighted(
    [
      ["full", 75],
      ["presenterOnly", 8],
      ["none", 7],
      ["slidesOnly", 10],
    ] as const,
  );
  if (variant === "none") return attachments;
  if (variant !== "slidesOnly") {
    add(
      "presenter/player+preview",
      `track:${presenter.id}`,
      "presenter_player.jpg",
    );
    // A second still of the same flavor: clients must take the first one.
    if (variant === "full" && rng.chance(0.2)) {
      add(
        "presenter/player+preview",
        `track:${presenter.id}`,
        "presenter_player_2.jpg",
      );
    }
  }
  if (variant === "presenterOnly") return attachments;
  add(
    "presentation/player+preview",
    `track:${presentation.id}`,
    "presentation_player.jpg",
  );
  const slides = rng.int(2, 8);
  let at = 0;
  for (let i = 0; i < slides; i++) {
    add(
      "presentation/segment+preview",
      `track:${presentation.id};time=${mediaTimePoint(at)}`,
      `segment_${i}.jpg`,
    );
    at += rng.int(30, 400) * 1000 + rng.pick([0, 0, 250, 500]);
  }
  if (rng.chance(0.3)) {
    add(
      "presentation/search+preview",
      `track:${presentation.id}`,
      "search.jpg",
    );
  }
  return attachments;
}

interface WorkflowPlan {
  readonly mediapackageId: string;
  readonly created: Temporal.Instant;
  readonly count: number;
  readonly live: boolean;
  readonly duration: number;
}

function generateWorkflows(
  rng: Random,
  plan: WorkflowPlan,
): Omit<SimWorkflow, "id">[] {
  const workflows: Omit<SimWorkflow, "id">[] = [];
  let created = plan.created.add({ minutes: rng.int(0, 30) });
  let job = rng.int(700_000, 800_000);
  for (let i = 0; i < plan.count; i++) {
    const last = i === plan.count - 1;
    // The newest is normally the successful publish; older ones are failed
    // runs or other definitions, and now and then the newest one failed.
    const kind = last
      ? rng.weighted([["published", 90], ["failed", 10]] as const)
      : rng.weighted(
        [["published", 50], ["failed", 30], ["other", 20]] as const,
      );
    const startedAt = created.epochMilliseconds;
    const operations: SimOperation[] = [];
    if (kind === "other") {
      const started = startedAt + rng.int(1000, 60_000);
      operations.push({
        name: "publish-engage",
        state: "SUCCEEDED",
        description: "Publish to engage",
        job: job += rng.int(1, 50),
        started,
        completed: started + rng.int(2000, 90_000),
      });
    } else if (kind === "failed") {
      operations.push({
        name: "publish-engage",
        state: "FAILED",
        description: "Publish to engage",
        job: job += rng.int(1, 50),
        started: startedAt + rng.int(1000, 60_000),
      });
      operations.push({
        name: "cleanup",
        state: "SKIPPED",
        description: "Clean up",
      });
    } else {
      let cursor = startedAt;
      if (plan.live) {
        const completed = cursor + plan.duration;
        operations.push({
          name: "capture",
          state: "SUCCEEDED",
          description: "Capturing live",
          job: job += rng.int(1, 50),
          started: cursor,
          completed,
        });
        cursor = completed;
      }
      if (plan.live || rng.chance(0.6)) {
        const started = cursor + rng.int(10 * 60_000, 180 * 60_000);
        const completed = started + rng.int(500, 9000);
        operations.push({
          name: "retract-element",
          state: "SUCCEEDED",
          description: "Retract live element",
          job: job += rng.int(1, 50),
          started,
          completed,
        });
        cursor = completed;
      }
      operations.push(
        plan.live
          ? {
            name: "publish-engage",
            state: "SKIPPED",
            description: "Publish to engage",
          }
          : {
            name: "publish-engage",
            state: "SUCCEEDED",
            description: "Publish to engage",
            job: job += rng.int(1, 50),
            started: cursor + 1000,
            completed: cursor + rng.int(5000, 120_000),
          },
      );
    }
    workflows.push({
      mediapackageId: plan.mediapackageId,
      state: kind === "failed" ? "FAILED" : "SUCCEEDED",
      template: kind === "other" ? "DCE-production" : PUBLISH_TEMPLATE,
      title: kind === "other" ? "Production" : "Publish to external",
      created,
      operations,
    });
    created = created.add({ minutes: rng.int(60, 72 * 60) });
  }
  return workflows;
}

interface Target {
  readonly id: string;
  readonly live: boolean;
  readonly durationSeconds: number;
}

interface Session {
  readonly sessionId: string;
  readonly userId: string | null;
  readonly userIp: string;
  readonly userAgent: string | null;
  readonly target: Target;
  readonly live: boolean;
  position: number;
  footprintFrom: number;
  playing: boolean;
  lastSecond: number;
  actions: number;
}

/** An action before its creation time is formatted. */
export type ActionDraft = Omit<SimAction, "created" | "createdText">;

/**
 * Makes user actions that look like real player sessions: each session
 * watches one episode and sends several actions over time. The generator
 * keeps its state, so later calls continue the same sessions and ids.
 */
export class ActionGenerator {
  #rng: Random;
  #targets: Target[];
  #weights: number[];
  #totalWeight: number;
  #sessions: Session[] = [];
  #nextId: number;

  /** Creates a generator over the catalog's episodes and missing ids. */
  constructor(rng: Random, catalog: Catalog) {
    this.#rng = rng;
    const targets: Target[] = catalog.episodes.map((e) => ({
      id: e.id,
      live: e.live,
      durationSeconds: Math.floor((e.duration ?? 4_500_000) / 1000),
    }));
    // Shuffle, then give a Zipf-like popularity so some episodes are hot.
    for (let i = targets.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [targets[i], targets[j]] = [targets[j]!, targets[i]!];
    }
    // Ids without an episode come last: rare, as on a real server.
    for (const id of catalog.missingEpisodeIds) {
      targets.push({ id, live: false, durationSeconds: 4500 });
    }
    this.#targets = targets;
    this.#weights = targets.map((_, rank) => 1 / Math.pow(rank + 1, 0.8));
    this.#totalWeight = this.#weights.reduce((a, b) => a + b, 0);
    this.#nextId = rng.int(1_000_000, 9_000_000);
  }

  /** The id the next action will get. */
  get nextId(): number {
    return this.#nextId;
  }

  /**
   * One action per entry of `seconds` (ascending epoch seconds), optionally
   * only for the given mediapackage ids.
   */
  generate(
    seconds: readonly number[],
    mediapackageIds?: readonly string[],
  ): ActionDraft[] {
    const drafts: ActionDraft[] = [];
    for (const second of seconds) {
      const session = this.#chooseSession(mediapackageIds);
      drafts.push(this.#act(session, second));
      if (session.actions > 2 && this.#rng.chance(0.1)) {
        this.#sessions.splice(this.#sessions.indexOf(session), 1);
      }
    }
    return drafts;
  }

  #chooseSession(mediapackageIds?: readonly string[]): Session {
    const rng = this.#rng;
    const pool = mediapackageIds
      ? this.#sessions.filter((s) => mediapackageIds.includes(s.target.id))
      : this.#sessions;
    const wantNew = pool.length === 0 ||
      (pool.length < 60 && rng.chance(0.12));
    if (!wantNew) return rng.pick(pool);
    let target: Target;
    if (mediapackageIds && mediapackageIds.length > 0) {
      const id = rng.pick(mediapackageIds);
      target = this.#targets.find((t) => t.id === id) ??
        { id, live: false, durationSeconds: 4500 };
    } else {
      target = this.#pickTarget();
    }
    const session = this.#newSession(target);
    this.#sessions.push(session);
    return session;
  }

  #pickTarget(): Target {
    let roll = this.#rng.next() * this.#totalWeight;
    for (let i = 0; i < this.#targets.length; i++) {
      roll -= this.#weights[i]!;
      if (roll < 0) return this.#targets[i]!;
    }
    return this.#targets[this.#targets.length - 1]!;
  }

  #newSession(target: Target): Session {
    const rng = this.#rng;
    // Opencast ≥ 6 defaults: no session, user or address logging at all.
    const privacy = rng.chance(0.04);
    const userAgent = rng.chance(0.9) ? rng.pick(USER_AGENTS) : null;
    const position = rng.chance(0.5)
      ? 0
      : rng.int(0, Math.floor(target.durationSeconds * 0.8));
    const base = {
      target,
      live: target.live && rng.chance(0.6),
      position,
      footprintFrom: position,
      playing: false,
      lastSecond: 0,
      actions: 0,
      userAgent,
    };
    if (privacy) {
      return {
        ...base,
        sessionId: "-omitted-",
        userId: "-omitted-",
        userIp: "-omitted-",
      };
    }
    const sessionId = rng.chance(0.01)
      ? rng.string(1, "123456789") + rng.string(12, DIGITS)
      : rng.string(25, SESSION_ALPHABET);
    const userKind = rng.weighted(
      [
        ["huid", 60],
        ["anonymous", 30],
        ["omitted", 4],
        ["login", 4],
        ["absent", 2],
      ] as const,
    );
    const userId = userKind === "huid"
      ? (rng.chance(0.02) ? "0" : rng.string(1, "123456789")) +
        rng.string(7, DIGITS)
      : userKind === "anonymous"
      ? "anonymous"
      : userKind === "omitted"
      ? "-omitted-"
      : userKind === "login"
      ? `${rng.pick(["jdoe", "asmith", "mlee", "kpatel"])}${rng.int(1, 99)}`
      : null;
    return { ...base, sessionId, userId, userIp: this.#address() };
  }

  #address(): string {
    const rng = this.#rng;
    const client = () =>
      rng.pick(["203.0.113", "198.51.100", "192.0.2"]) + `.${rng.int(1, 254)}`;
    const proxy = () => `10.0.${rng.int(0, 9)}.${rng.int(1, 254)}`;
    switch (
      rng.weighted(
        [
          ["single", 60],
          ["chain2", 20],
          ["chain3", 7],
          ["ipv6", 5],
          ["omitted", 5],
          ["private", 3],
        ] as const,
      )
    ) {
      case "single":
        return client();
      case "chain2":
        return `${client()}, ${proxy()}`;
      case "chain3":
        return `${client()}, ${proxy()}, ${proxy()}`;
      case "ipv6":
        return `2001:db8::${rng.string(4, "0123456789abcdef")}`;
      case "omitted":
        return "-omitted-";
      default:
        return proxy();
    }
  }

  #act(session: Session, second: number): ActionDraft {
    const rng = this.#rng;
    const duration = session.target.durationSeconds;
    if (session.playing && session.actions > 0) {
      session.position = Math.min(
        duration,
        session.position + Math.max(0, second - session.lastSecond),
      );
    }
    const type = session.actions === 0
      ? (rng.chance(0.85) ? "PLAY" : "RESIZE-TO-1280x720")
      : rng.weighted(ACTION_TYPES);
    let inpoint = session.position;
    let outpoint = session.position;
    switch (type) {
      case "PLAY":
        session.playing = true;
        break;
      case "PAUSE":
        session.playing = false;
        break;
      case "SEEK":
        session.position = rng.int(0, duration);
        session.footprintFrom = session.position;
        inpoint = outpoint = session.position;
        break;
      case "FOOTPRINT":
        if (session.footprintFrom <= session.position) {
          inpoint = session.footprintFrom;
        }
        session.footprintFrom = session.position;
        break;
    }
    session.lastSecond = second;
    session.actions++;
    const id = this.#nextId;
    // JPA allocates ids in blocks (of 50): after a restart, or from another
    // node, the rest of a block is never used, so now and then ids jump.
    this.#nextId += rng.chance(0.005) ? 1 + rng.int(1, 50) : 1;
    return {
      id,
      mediapackageId: session.target.id,
      sessionId: session.sessionId,
      userId: session.userId,
      userIp: session.userIp,
      userAgent: session.userAgent,
      inpoint,
      outpoint,
      length: outpoint - inpoint,
      type,
      isPlaying: session.playing ? (session.live ? 2 : 1) : 0,
      createdEpochSeconds: second,
    };
  }
}

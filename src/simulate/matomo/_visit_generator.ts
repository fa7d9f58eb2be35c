/**
 * Synthetic Matomo visits of an Opencast 18+ site (matomo-api.md §1): stock
 * Paella 8 page views of the watch page, Tobira-style Paella 8 events with an
 * action-scope episode dimension, Paella 7 events named by the episode id
 * (on the watch page or embedded in an LMS page), anonymous viewers merged
 * into one visit, two videos in one visit, and the pages, event categories,
 * outlinks and downloads a harvester must skip. All from one seeded PRNG.
 *
 * A visit is a player with a script: the generator keeps each visit's state,
 * so a live arrival continues what the visit was doing.
 *
 * @module
 */
import type { Random } from "../_random.ts";
import type {
  EpisodeHints,
  SimMatomoAction,
  SimVisit,
  VisitStyle,
} from "./_visit_model.ts";

/** An action before Matomo gave it an id. */
export type ActionDraft = Omit<SimMatomoAction, "pageId">;

/** A visit before Matomo gave it an id. */
export interface VisitDraft
  extends Omit<SimVisit, "idVisit" | "actions" | "lastActionSeconds"> {
  readonly actions: ActionDraft[];
  lastActionSeconds: number;
}

/** The custom dimensions the site's tracker writes (by `idcustomdimension`). */
export interface TrackerDimensions {
  /** Action scope: the episode id (Tobira). */
  readonly episode: number;
  /** Action scope: the series id. */
  readonly series: number;
  /** Visit scope: the episode id, overwritten by every request of the visit. */
  readonly visitEpisode: number;
}

/** What the generator needs to know about the site. */
export interface VisitGeneratorOptions {
  /** Episode ids and their series, the popular ones first. */
  readonly episodes: readonly {
    readonly id: string;
    readonly title: string;
    readonly series?: string;
  }[];
  /** Episode ids Opencast does not know (rare in the data). */
  readonly missingEpisodeIds: readonly string[];
  /** Where the tracker puts the episode and series. */
  readonly dimensions: TrackerDimensions;
}

/** The site's hosts. */
export const OPENCAST_HOST = "https://video.example.edu";
const TOBIRA_HOST = "https://tobira.example.edu";
const LMS_HOST = "https://lms.example.edu";

/** Matomo's visit timeout: a visit's actions lie less than this apart. */
export const VISIT_TIMEOUT_SECONDS = 30 * 60;

const STYLES: readonly (readonly [VisitStyle, number])[] = [
  ["paella8", 28],
  ["tobira", 28],
  ["tobira-two-videos", 8],
  ["paella7", 14],
  ["paella7-embedded", 6],
  ["anonymous-merged", 2],
  ["other", 14],
];

const BROWSERS = [
  ["Firefox", "128.0", "Windows 10", "Desktop"],
  ["Chrome", "126.0", "Mac 14.5", "Desktop"],
  ["Chrome Mobile", "126.0", "Android 14", "Smartphone"],
  ["Mobile Safari", "17.5", "iOS 17.5", "Smartphone"],
  ["Microsoft Edge", "126.0", "Windows 11", "Desktop"],
  ["Safari", "17.5", "Mac 14.5", "Tablet"],
] as const;

const LOGINS = ["jdoe", "asmith", "mlee", "kpatel", "lmueller", "tnguyen"];

/** A visit's player: what it shows and where playback stands. */
interface Player {
  style: VisitStyle;
  episode: string;
  /** Episodes watched in this visit (two-video visits switch once). */
  switches: number;
  position: number;
  playing: boolean;
  pageUrl: string;
  idpageview: string;
  hints: EpisodeHints;
  /** Timeupdates per second while playing. */
  readonly updatesPerSecond: number;
  /** Actions so far. */
  actions: number;
}

/** Makes visits and continues them. */
export class VisitGenerator {
  #rng: Random;
  #options: VisitGeneratorOptions;
  #weights: number[];
  #totalWeight: number;
  #players = new WeakMap<object, Player>();

  /** Creates a generator over the site's episodes. */
  constructor(rng: Random, options: VisitGeneratorOptions) {
    this.#rng = rng;
    this.#options = options;
    this.#weights = options.episodes.map((_, rank) =>
      1 / Math.pow(rank + 1, 0.8)
    );
    this.#totalWeight = this.#weights.reduce((a, b) => a + b, 0);
  }

  /** A random style, weighted as on a site with Tobira and the stock player. */
  pickStyle(): VisitStyle {
    return this.#rng.weighted(STYLES);
  }

  /**
   * A visit starting at `startSeconds` with up to `steps` steps of its
   * script (a step is one action, a burst of timeupdates, or a heartbeat),
   * none after `until`.
   */
  visit(
    style: VisitStyle,
    startSeconds: number,
    steps: number,
    options: { readonly until?: number } = {},
  ): VisitDraft {
    const { until = Infinity } = options;
    const rng = this.#rng;
    const [browserName, browserVersion, operatingSystem, deviceType] = rng
      .pick(BROWSERS);
    const userId = style === "anonymous-merged"
      ? "anonymous"
      : style === "paella7" || style === "paella7-embedded"
      ? (rng.chance(0.4) ? "anonymous" : `${rng.pick(LOGINS)}${rng.int(1, 99)}`)
      : style === "tobira" || style === "tobira-two-videos"
      ? (rng.chance(0.5) ? `${rng.pick(LOGINS)}${rng.int(1, 99)}` : null)
      : null;
    const visit: VisitDraft = {
      style,
      visitIp: this.#anonymisedIp(),
      visitorId: rng.string(16, "0123456789abcdef"),
      fingerprint: rng.string(16, "0123456789abcdef"),
      userId,
      browserName,
      browserVersion,
      operatingSystem,
      deviceType,
      firstActionSeconds: startSeconds,
      lastActionSeconds: startSeconds,
      visitDimensions: {},
      actions: [],
    };
    const episode = this.#pickEpisode();
    const player: Player = {
      style,
      episode,
      switches: 0,
      position: rng.chance(0.6) ? 0 : rng.int(0, 3000),
      playing: false,
      pageUrl: "",
      idpageview: "",
      hints: {},
      updatesPerSecond: style === "anonymous-merged" ? 4 : 1,
      actions: 0,
    };
    this.#players.set(visit, player);
    const first = player.style === "other"
      ? this.#otherPage(startSeconds)
      : this.#pageView(player, startSeconds);
    this.#track(visit, player, [first]);
    visit.actions.push(first);
    let seconds = startSeconds;
    for (let i = 0; i < steps; i++) {
      seconds += this.#gap(player);
      if (seconds > until) break;
      visit.actions.push(...this.step(visit, seconds));
    }
    return visit;
  }

  /**
   * One more step of the visit's script at `seconds` (after its last
   * action): the actions it adds (the caller stores them), possibly none
   * (a heartbeat ping, which still moves the last action time).
   */
  step(visit: VisitDraft | SimVisit, seconds: number): ActionDraft[] {
    const player = this.#players.get(visit);
    if (!player) {
      throw new Error("Cannot continue a visit the generator did not make");
    }
    const drafts = this.#script(player, seconds);
    this.#track(visit, player, drafts);
    visit.lastActionSeconds = Math.max(visit.lastActionSeconds, seconds);
    return drafts;
  }

  /** Carries a visit's script over to its stored copy. */
  adopt(draft: VisitDraft, visit: SimVisit): void {
    const player = this.#players.get(draft);
    if (player) this.#players.set(visit, player);
  }

  /** A gap before the next step: timeupdates come fast while playing. */
  #gap(player: Player): number {
    const rng = this.#rng;
    if (player.style === "other") return rng.int(5, 120);
    if (player.playing && rng.chance(0.7)) return rng.int(1, 3);
    return rng.int(2, 90);
  }

  #script(player: Player, seconds: number): ActionDraft[] {
    const rng = this.#rng;
    const out: ActionDraft[] = [];
    const push = (draft: ActionDraft) => out.push(draft);
    switch (player.style) {
      case "other": {
        const kind = rng.weighted(
          [["page", 4], ["event", 3], ["outlink", 1], ["download", 1]] as const,
        );
        if (kind === "page") push(this.#otherPage(seconds));
        else if (kind === "event") push(this.#otherEvent(seconds));
        else if (kind === "outlink") {
          push(
            this.#link("outlink", "https://www.example.org/syllabus", seconds),
          );
        } else {
          push(
            this.#link(
              "download",
              `https://cdn.example.edu/e/${player.episode}/slides.pdf`,
              seconds,
            ),
          );
        }
        return out;
      }
      case "paella8": {
        // The stock player tracks no events: page views and heartbeats.
        if (rng.chance(0.3)) {
          if (rng.chance(0.5)) player.episode = this.#pickEpisode();
          push(this.#pageView(player, seconds));
        }
        return out;
      }
    }
    // Players that send events.
    if (
      (player.style === "tobira-two-videos" && player.switches === 0 &&
        player.actions > 6 && rng.chance(0.25)) ||
      (player.style === "anonymous-merged" && rng.chance(0.04))
    ) {
      player.switches++;
      player.episode = this.#pickEpisode();
      player.position = 0;
      player.playing = false;
      push(this.#pageView(player, seconds));
      return out;
    }
    if (!player.playing) {
      if (player.style !== "anonymous-merged" && rng.chance(0.05)) {
        push(this.#event(player, seconds, "paella:volumeChanged"));
        return out;
      }
      player.playing = true;
      push(this.#event(player, seconds, "paella:play"));
      return out;
    }
    const roll = rng.next();
    if (roll < 0.55) {
      // Timeupdates: one a second, several a second for the merged visit.
      const count = rng.int(1, player.updatesPerSecond);
      for (let i = 0; i < count; i++) {
        push(this.#event(player, seconds, "paella:timeupdate"));
      }
      player.position += 1;
    } else if (roll < 0.72) {
      player.playing = false;
      push(this.#event(player, seconds, "paella:pause"));
    } else if (roll < 0.88) {
      const target = rng.chance(0.2)
        ? rng.int(0, 3000) + 0.5
        : rng.int(0, 3000);
      player.position = Math.floor(target);
      push(this.#event(player, seconds, "paella:seek", target));
    } else if (roll < 0.93) {
      push(this.#event(player, seconds, "paella:playbackRateChanged"));
    } else {
      player.playing = false;
      push(this.#event(player, seconds, "paella:ended"));
    }
    return out;
  }

  /**
   * Counts the actions; a visit-scope dimension takes the value of every
   * request, so it ends up naming the visit's last episode.
   */
  #track(
    visit: VisitDraft | SimVisit,
    player: Player,
    drafts: readonly ActionDraft[],
  ): void {
    player.actions += drafts.length;
    const { episode, visitEpisode } = this.#options.dimensions;
    for (const draft of drafts) {
      const value = draft.dimensions[episode];
      if (value !== undefined) visit.visitDimensions[visitEpisode] = value;
    }
  }

  /** The page view that opens (or switches) the player. */
  #pageView(player: Player, seconds: number): ActionDraft {
    const rng = this.#rng;
    const episode = player.episode;
    const title = this.#title(episode);
    player.idpageview = rng.string(6, ID_ALPHABET);
    let url: string;
    let hints: EpisodeHints;
    let dimensions: Record<number, string> = {};
    switch (player.style) {
      case "paella8": {
        const time = rng.chance(0.2) ? `&time=${rng.int(1, 3000)}s` : "";
        url = `${OPENCAST_HOST}/paella8/ui/watch.html?id=${episode}${time}`;
        hints = { url: episode };
        break;
      }
      case "tobira":
      case "tobira-two-videos":
        url = `${TOBIRA_HOST}/!v/${rng.string(11, ID_ALPHABET)}`;
        hints = {};
        dimensions = this.#trackerDimensions(episode);
        break;
      case "paella7":
      case "anonymous-merged":
        url = `${OPENCAST_HOST}/paella7/ui/watch.html?id=${episode}`;
        hints = { url: episode };
        break;
      default: // paella7-embedded: an LMS activity page, its own id=
        url = `${LMS_HOST}/mod/opencast/view.php?id=${rng.int(100, 9999)}`;
        hints = {};
    }
    player.pageUrl = url;
    // Events on the page name the episode the way the player does.
    player.hints = player.style.startsWith("paella7") ||
        player.style === "anonymous-merged"
      ? { ...hints, name: episode }
      : hints;
    return {
      seconds,
      type: "action",
      url,
      pageTitle: `${title} | Opencast`,
      idpageview: player.idpageview,
      dimensions,
      episode,
      hints,
      outcome: { type: "VIEW", outpoint: null },
    };
  }

  #event(
    player: Player,
    seconds: number,
    action: string,
    seekTarget?: number,
  ): ActionDraft {
    const paella7 = player.style.startsWith("paella7") ||
      player.style === "anonymous-merged";
    // Paella 7 names every event by the video id; Paella 8 sends the event
    // data: the target second of a seek, a rate, nothing for the rest.
    const name = paella7
      ? player.episode
      : seekTarget !== undefined
      ? String(seekTarget)
      : action === "paella:playbackRateChanged"
      ? this.#rng.pick(["1.5", "2", "0.75"])
      : undefined;
    const type = action.slice("paella:".length).toUpperCase();
    return {
      seconds,
      type: "event",
      url: player.pageUrl,
      idpageview: player.idpageview,
      eventCategory: "PaellaPlayer",
      eventAction: action,
      ...(name === undefined ? {} : { eventName: name }),
      dimensions: player.style.startsWith("tobira")
        ? this.#trackerDimensions(player.episode)
        : {},
      episode: player.episode,
      hints: player.hints,
      outcome: action === "paella:timeupdate" ? { skip: "timeupdate" } : {
        type,
        outpoint: action === "paella:seek" && !paella7
          ? seekTarget ?? null
          : null,
      },
    };
  }

  #otherPage(seconds: number): ActionDraft {
    const rng = this.#rng;
    const [url, title] = rng.pick(
      [
        [`${OPENCAST_HOST}/`, "Opencast"],
        [`${OPENCAST_HOST}/engage/ui/index.html?q=entropy`, "Media Search"],
        [`${TOBIRA_HOST}/`, "Tobira"],
        [`${TOBIRA_HOST}/~search?q=lecture`, "Search | Tobira"],
        [`${LMS_HOST}/course/view.php?id=${rng.int(2, 400)}`, "Course"],
      ] as const,
    );
    return {
      seconds,
      type: "action",
      url,
      pageTitle: title,
      idpageview: rng.string(6, ID_ALPHABET),
      dimensions: {},
      hints: {},
      outcome: { type: "VIEW", outpoint: null },
    };
  }

  #otherEvent(seconds: number): ActionDraft {
    const rng = this.#rng;
    // Even a category other than PaellaPlayer with a "play" is not ours.
    const [category, action] = rng.pick(
      [
        ["Navigation", "menu-open"],
        ["Video", "play"],
        ["Search", "submit"],
      ] as const,
    );
    return {
      seconds,
      type: "event",
      url: `${TOBIRA_HOST}/`,
      idpageview: rng.string(6, ID_ALPHABET),
      eventCategory: category,
      eventAction: action,
      eventName: rng.pick(["header", "sidebar", this.#pickEpisode()]),
      dimensions: {},
      hints: {},
      outcome: { skip: "other-category" },
    };
  }

  #link(
    type: "outlink" | "download",
    url: string,
    seconds: number,
  ): ActionDraft {
    return {
      seconds,
      type,
      url,
      idpageview: this.#rng.string(6, ID_ALPHABET),
      dimensions: {},
      hints: {},
      outcome: { skip: "other-type" },
    };
  }

  #trackerDimensions(episode: string): Record<number, string> {
    const { dimensions, episodes } = this.#options;
    const series = episodes.find((e) => e.id === episode)?.series;
    return series === undefined
      ? { [dimensions.episode]: episode }
      : { [dimensions.episode]: episode, [dimensions.series]: series };
  }

  #title(episode: string): string {
    return this.#options.episodes.find((e) => e.id === episode)?.title ??
      "Unlisted video";
  }

  #pickEpisode(): string {
    const rng = this.#rng;
    const { episodes, missingEpisodeIds } = this.#options;
    if (
      episodes.length === 0 ||
      (missingEpisodeIds.length > 0 && rng.chance(0.03))
    ) {
      return rng.pick(
        missingEpisodeIds.length > 0 ? missingEpisodeIds : [
          rng.uuid(),
        ],
      );
    }
    let roll = rng.next() * this.#totalWeight;
    for (let i = 0; i < episodes.length; i++) {
      roll -= this.#weights[i]!;
      if (roll < 0) return episodes[i]!.id;
    }
    return episodes[episodes.length - 1]!.id;
  }

  /** Matomo's default anonymisation: the last two bytes zero. */
  #anonymisedIp(): string {
    const rng = this.#rng;
    if (rng.chance(0.1)) {
      return `2001:db8:${rng.string(4, "0123456789abcdef")}::`;
    }
    return `${rng.pick(["141.20", "130.83", "192.0", "203.0"])}.0.0`;
  }
}

const ID_ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The Matomo simulator's visit log: visits with their actions, ids handed out
 * as Matomo's auto-increments do (`idvisit` when a visit starts, `idlink_va`
 * when an action is stored), and the `Live.getLastVisitsDetails` query:
 * `visit_last_action_time > minTimestamp`, ordered by last action time, then
 * `idvisit`, with offset and limit.
 *
 * @module
 */
import type { ActionDraft, VisitDraft } from "./_visit_generator.ts";
import type { SimMatomoAction, SimVisit } from "./_visit_model.ts";

/** A `Live.getLastVisitsDetails` query. */
export interface VisitQuery {
  /** Strict lower bound of the last action time, epoch seconds. */
  readonly minTimestamp?: number;
  /** Inclusive bounds of the last action time (a `period`/`date`), epoch seconds. */
  readonly fromSeconds?: number;
  readonly toSeconds?: number;
  readonly ascending: boolean;
  readonly offset: number;
  /** `undefined`: no limit (`filter_limit=-1`). */
  readonly limit?: number;
}

/** The stored visits of one site. */
export class VisitLog {
  #visits: SimVisit[] = [];
  #byId = new Map<number, SimVisit>();
  #nextIdVisit: number;
  #nextPageId: number;

  /** Creates an empty log whose ids start at the given values. */
  constructor(firstIdVisit: number, firstPageId: number) {
    this.#nextIdVisit = firstIdVisit;
    this.#nextPageId = firstPageId;
  }

  /** Every visit, in `idvisit` order. */
  get visits(): readonly SimVisit[] {
    return this.#visits;
  }

  /** The visit with this id. */
  byId(idVisit: number): SimVisit | undefined {
    return this.#byId.get(idVisit);
  }

  /**
   * Stores visits that happened over a span (the initial data): visit ids
   * in the order the visits started, action ids in the order the actions
   * were tracked, as the auto-increments would have given them. Returns
   * the stored visits in the order of `drafts`.
   */
  load(drafts: readonly VisitDraft[]): SimVisit[] {
    const order = drafts.map((draft, index) => ({ draft, index }))
      .sort((a, b) =>
        a.draft.firstActionSeconds - b.draft.firstActionSeconds ||
        a.index - b.index
      );
    // Returned in the drafts' order, so the caller can pair them up.
    const visits = new Array<SimVisit>(drafts.length);
    for (const { draft, index } of order) visits[index] = this.#create(draft);
    const all: { visit: SimVisit; draft: ActionDraft; n: number }[] = [];
    drafts.forEach((draft, v) =>
      draft.actions.forEach((action, n) =>
        all.push({ visit: visits[v]!, draft: action, n })
      )
    );
    all.sort((a, b) =>
      a.draft.seconds - b.draft.seconds || a.visit.idVisit - b.visit.idVisit ||
      a.n - b.n
    );
    for (const { visit, draft } of all) {
      visit.actions.push({ ...draft, pageId: this.#nextPageId++ });
    }
    return visits;
  }

  /** Stores a visit that starts now (or was queued): new ids for it and its actions. */
  add(draft: VisitDraft): SimVisit {
    const visit = this.#create(draft);
    for (const action of draft.actions) {
      visit.actions.push({ ...action, pageId: this.#nextPageId++ });
    }
    return visit;
  }

  /**
   * Stores actions tracked now for a visit: new ids, kept in time order.
   * The visit's last action time moves forward (its place in the order).
   */
  append(visit: SimVisit, drafts: readonly ActionDraft[]): SimMatomoAction[] {
    const added = drafts.map((draft) => ({
      ...draft,
      pageId: this.#nextPageId++,
    }));
    visit.actions.push(...added);
    visit.actions.sort((a, b) => a.seconds - b.seconds || a.pageId - b.pageId);
    return added;
  }

  /** The visits a query matches, in its order. */
  query(query: VisitQuery): SimVisit[] {
    const { minTimestamp, fromSeconds, toSeconds, ascending, offset, limit } =
      query;
    const matches = this.#visits.filter((visit) =>
      (minTimestamp === undefined || visit.lastActionSeconds > minTimestamp) &&
      (fromSeconds === undefined || visit.lastActionSeconds >= fromSeconds) &&
      (toSeconds === undefined || visit.lastActionSeconds <= toSeconds)
    );
    const sign = ascending ? 1 : -1;
    matches.sort((a, b) =>
      sign *
      (a.lastActionSeconds - b.lastActionSeconds || a.idVisit - b.idVisit)
    );
    return matches.slice(
      offset,
      limit === undefined ? undefined : offset + limit,
    );
  }

  #create(draft: VisitDraft): SimVisit {
    const { actions: _actions, ...fields } = draft;
    const visit: SimVisit = {
      ...fields,
      idVisit: this.#nextIdVisit++,
      actions: [],
    };
    this.#visits.push(visit);
    this.#byId.set(visit.idVisit, visit);
    return visit;
  }
}

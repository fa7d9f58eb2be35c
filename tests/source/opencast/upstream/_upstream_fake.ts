/**
 * A small in-process stand-in for upstream Opencast's usertracking answers:
 * `day` queries with the seconds quirk, `action/{id}.json`, request counts.
 * (The full simulator flavors live in src/simulate/.)
 *
 * @module
 */
import type { ActionPage, UserAction } from "../../../../src/opencast/types.ts";
import type { DayQuery } from "../../../../src/source/opencast/upstream/upstream_batches.ts";
import { pageOf, userAction } from "../../../support/user_action.ts";

/** Options for {@linkcode upstreamFake}. */
export interface UpstreamFakeOptions {
  readonly zone: string;
  /**
   * The server clock's seconds (with millis) at every request, or a function
   * giving them request by request (a live clock).
   */
  readonly daySeconds: number | (() => number);
}

/** An action table served the upstream way. */
export function upstreamFake(options: UpstreamFakeOptions) {
  const rows: UserAction[] = [];
  let nextId = 1000;
  const counts = { day: 0, byId: 0 };
  const wall = (
    day: string,
    hour: number,
    minute: number,
    seconds: number,
  ) =>
    Temporal.PlainDateTime.from({
      year: Number(day.slice(0, 4)),
      month: Number(day.slice(4, 6)),
      day: Number(day.slice(6, 8)),
      hour,
      minute,
    }).toZonedDateTime(options.zone, { disambiguation: "later" }).toInstant()
      .add({ milliseconds: Math.round(seconds * 1000) })
      .epochMilliseconds;
  return {
    counts,
    rows,
    /** Appends actions created at these instants; ids grow, every 7th skipped. */
    add(...created: Temporal.Instant[]): UserAction[] {
      const added = created.map((at) => {
        if (nextId % 7 === 0) nextId++;
        const text = at.toZonedDateTimeISO(options.zone).toString({
          timeZoneName: "never",
          smallestUnit: "second",
        });
        return userAction(nextId++, text);
      });
      rows.push(...added);
      return added;
    },
    fetchDay(query: DayQuery): Promise<ActionPage> {
      counts.day++;
      const seconds = typeof options.daySeconds === "number"
        ? options.daySeconds
        : options.daySeconds();
      const from = wall(query.day, 0, 0, seconds);
      const to = wall(query.day, 23, 59, seconds);
      const matching = rows.filter((row) => {
        const at = Date.parse(row.created);
        return at >= from && at <= to;
      }).sort((a, b) => a.id - b.id);
      return Promise.resolve(pageOf(matching, query));
    },
    fetchById(id: number): Promise<UserAction | null> {
      counts.byId++;
      return Promise.resolve(rows.find((row) => row.id === id) ?? null);
    },
  };
}

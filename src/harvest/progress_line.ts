import type { PageProgress } from "./harvest_summary.ts";
import type { StatusLine } from "../log/status_line.ts";
import { stderrStatusLine } from "../log/stderr_status_line.ts";

/** Options for {@linkcode createProgressLine}. */
export interface ProgressLineOptions {
  /**
   * Where the line is drawn; log lines are written around it there.
   *
   * @default stderrStatusLine
   */
  readonly statusLine?: StatusLine;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A live one-line progress display for a person watching a long harvest. */
export interface ProgressLine {
  /** Redraws the line with the totals so far (all windows of the run). */
  update(
    progress: Pick<PageProgress, "pages" | "delivered" | "total">,
  ): void;
  /** Clears the line. */
  done(): void;
}

/**
 * Draws `pages 12 · 12,000/40,000 actions · 2,345/s · ETA 12s` on one line
 * (carriage return, no newline). Only used when stderr is a terminal, so cron
 * mail never sees it.
 */
export function createProgressLine(
  options: ProgressLineOptions = {},
): ProgressLine {
  const { statusLine = stderrStatusLine, now = Date.now } = options;
  const started = now();
  return {
    update({ pages, delivered, total }) {
      const seconds = Math.max((now() - started) / 1000, 0.001);
      const rate = delivered / seconds;
      const left = Math.max(total - delivered, 0);
      const eta = rate > 0 && left > 0
        ? ` · ETA ${Math.ceil(left / rate)}s`
        : "";
      const of = total > 0 ? `/${total.toLocaleString("en-US")}` : "";
      const text =
        `pages ${pages} · ${
          delivered.toLocaleString("en-US")
        }${of} actions · ` +
        `${Math.round(rate).toLocaleString("en-US")}/s${eta}`;
      statusLine.show(text);
    },
    done() {
      statusLine.clear();
    },
  };
}

/**
 * A transient line at the bottom of a terminal (the harvest's progress line)
 * that lasting output must not be glued onto. Whoever writes lines to the
 * same terminal (the log sink, records on stdout) writes through it, so the
 * status line is cleared first and drawn again after.
 *
 * @module
 */

/** Options for {@linkcode createStatusLine}. */
export interface StatusLineOptions {
  /** The terminal stream the status line and log lines go to. @default Deno.stderr */
  readonly output?: { writeSync(bytes: Uint8Array): number };
}

/** One transient line shared by everything that writes to the terminal. */
export interface StatusLine {
  /** Draws `text` as the status line, replacing the one shown (no newline). */
  show(text: string): void;
  /** Removes the status line until the next {@linkcode StatusLine.show}. */
  clear(): void;
  /**
   * Writes lasting output (whole lines, ending in a newline) to the same
   * stream: the status line is cleared before and drawn again after.
   */
  writeLines(bytes: Uint8Array): void;
  /**
   * Runs `write`, which writes to another stream that shares the terminal
   * (records on stdout), with the status line cleared; draws it again after.
   */
  around<T>(write: () => Promise<T>): Promise<T>;
}

/** Back to column 0 and erase the line (ANSI EL 2). */
const CLEAR = "\r\x1b[2K";
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * Creates a status line on `output`. Writes are synchronous, so a log line
 * and a redraw can never interleave.
 *
 * @example
 * ```ts ignore
 * const status = createStatusLine();
 * status.show("pages 3 · 3,000/9,000 actions");
 * status.writeLines(new TextEncoder().encode("a warning\n")); // above it
 * status.clear();
 * ```
 */
export function createStatusLine(options: StatusLineOptions = {}): StatusLine {
  const output = options.output ?? Deno.stderr;
  /** The text to show, or null when none. */
  let text: string | null = null;
  /** Whether `text` is on the terminal now. */
  let drawn = false;
  /** Writes to another stream in progress: nothing is drawn meanwhile. */
  let paused = 0;

  function writeAll(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) {
      written += output.writeSync(bytes.subarray(written));
    }
  }

  function redraw(): void {
    if (text === null || paused > 0) return;
    writeAll(encoder.encode(CLEAR + text));
    drawn = true;
  }

  function erase(): void {
    if (!drawn) return;
    writeAll(encoder.encode(CLEAR));
    drawn = false;
  }

  return {
    show(next) {
      text = next;
      redraw();
    },
    clear() {
      erase();
      text = null;
    },
    writeLines(bytes) {
      if (!drawn) {
        writeAll(bytes);
        return;
      }
      // One write: clear, the lines, the status line again.
      const head = encoder.encode(CLEAR);
      const wholeLines = bytes.length > 0 && bytes.at(-1) === NEWLINE;
      // After a partial line, a redraw would be glued to it: wait for show().
      const tail = wholeLines ? encoder.encode(CLEAR + text) : new Uint8Array();
      const joined = new Uint8Array(head.length + bytes.length + tail.length);
      joined.set(head);
      joined.set(bytes, head.length);
      joined.set(tail, head.length + bytes.length);
      writeAll(joined);
      drawn = wholeLines;
    },
    async around(write) {
      paused++;
      try {
        erase();
        return await write();
      } finally {
        paused--;
        redraw();
      }
    },
  };
}

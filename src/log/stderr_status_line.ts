import { createStatusLine, type StatusLine } from "./status_line.ts";

/**
 * The process's status line on stderr: the progress line draws on it and the
 * log sink and stdout records write around it, so a log line is never glued
 * onto the progress line.
 */
export const stderrStatusLine: StatusLine = createStatusLine();

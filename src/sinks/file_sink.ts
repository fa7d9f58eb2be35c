import { dirname, resolve } from "node:path";
import { getLogger } from "@logtape/logtape";
import { ConfigError } from "../errors.ts";
import type { RecordSink } from "./record_sink.ts";
import type { ActionRecord } from "../record/action_record.ts";
import { encodeJsonLines } from "./_json_lines.ts";
import { outputWriteError } from "./_write_failure.ts";
import { writeAll } from "../util/write_all.ts";
import { plural } from "../util/plural.ts";

/** Options for {@linkcode openFileSink}. */
export interface FileSinkOptions {
  /** The JSON-lines file records are appended to (created when missing). */
  readonly path: string;
}

const logger = getLogger(["ua-harvest", "sink", "file"]);

/**
 * A sink that appends JSON lines to a file. Each page is one write followed by
 * an fsync, so when `deliver` resolves the page is on disk and the checkpoint
 * may move. A crash can only leave a torn last line; opening the file again
 * cuts it off, so the file never holds half a record.
 *
 * A page whose write or fsync fails (a full disk) is cut off again and
 * throws `OutputError` (exit 10): it never counts as delivered.
 *
 * `position()` is the file's size after the last page; saved with the
 * checkpoint, it lets the next run `resume()` by cutting off a page that was
 * written but not checkpointed, so a crash between the two repeats nothing.
 */
export async function openFileSink(
  options: FileSinkOptions,
): Promise<RecordSink> {
  const { path } = options;
  let file: Deno.FsFile;
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    file = await Deno.open(path, { read: true, write: true, create: true });
  } catch (error) {
    throw new ConfigError(
      `Cannot open the output file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  await cutTornLine(file, path);
  const absolute = resolve(path);
  let size = (await file.stat()).size;
  return {
    description: `file:${path}`,
    async deliver(records) {
      if (records.length === 0) return;
      const bytes = encodeJsonLines(records);
      let end: number | undefined;
      try {
        end = await file.seek(0, Deno.SeekMode.End);
        await writeAll(file, bytes);
        await file.syncData();
      } catch (error) {
        // Take back the part of the page that made it, so the file holds
        // exactly what the checkpoint covers. When even that fails, the
        // position saved with the checkpoint lets the next run cut it off.
        if (end !== undefined) {
          await file.truncate(end).catch(() => {});
        }
        throw outputWriteError(`file:${path}`, records.length, error);
      }
      size = end + bytes.length;
    },
    position() {
      return { path: absolute, size };
    },
    async resume(position, redelivered) {
      if (resolve(position.path) !== absolute) return 0;
      size = (await file.stat()).size;
      if (size <= position.size) return 0;
      const tail = await readTail(file, position.size, size);
      const records = tail === null ? null : parseLines(tail);
      if (records === null) {
        logger.warn(
          `{path} has {bytes} ${
            plural(size - position.size, "byte")
          } after the position saved with the checkpoint that are not ` +
            "this tool's records; they are kept",
          { path, bytes: size - position.size },
        );
        return 0;
      }
      const cut = records.filter(redelivered).length;
      if (cut < records.length) {
        // Some of it will not be fetched again (older than the checkpoint, or
        // another run's output): rewriting around it could lose it in a
        // crash, and a repeat is the lesser harm.
        if (cut > 0) {
          logger.warn(
            `{path} ends with {records} ${
              plural(records.length, "record")
            } written after the last checkpoint, {cut} of which ` +
              "this run delivers again; all are kept, so those {cut} appear twice",
            { path, records: records.length, cut },
          );
        }
        return 0;
      }
      await file.truncate(position.size);
      await file.syncData();
      logger.warn(
        `Took back {records} ${
          plural(cut, "record")
        } from the end of {path}: they were written but not ` +
          "checkpointed before the last run stopped, and this run delivers them again",
        { records: cut, path },
      );
      size = position.size;
      return cut;
    },
    [Symbol.asyncDispose]() {
      file.close();
      return Promise.resolve();
    },
  };
}

// The most bytes resume() reads back: a page is far smaller, and a longer
// tail is not the harvest's own unsaved page, so it is kept.
const MAX_TAIL_BYTES = 64 * 1024 * 1024;

/**
 * The bytes from `from` to `to`, or `null` when `from` is not at a line
 * boundary or the stretch is too long to be one page.
 */
async function readTail(
  file: Deno.FsFile,
  from: number,
  to: number,
): Promise<Uint8Array | null> {
  if (to - from > MAX_TAIL_BYTES) return null;
  const bytes = new Uint8Array(to - from + (from > 0 ? 1 : 0));
  await file.seek(from > 0 ? from - 1 : 0, Deno.SeekMode.Start);
  let read = 0;
  while (read < bytes.length) {
    const n = await file.read(bytes.subarray(read));
    if (n === null) return null;
    read += n;
  }
  if (from > 0 && bytes[0] !== 10) return null;
  return from > 0 ? bytes.subarray(1) : bytes;
}

/** The records of whole JSON lines, or `null` when a line is not a record. */
function parseLines(bytes: Uint8Array): ActionRecord[] | null {
  const records: ActionRecord[] = [];
  for (const line of new TextDecoder().decode(bytes).split("\n")) {
    if (line === "") continue;
    try {
      const value = JSON.parse(line);
      if (typeof value !== "object" || value === null) return null;
      records.push(value as ActionRecord);
    } catch {
      return null;
    }
  }
  return records;
}

/** Truncates the file after its last newline (a write cut short by a crash). */
async function cutTornLine(file: Deno.FsFile, path: string): Promise<void> {
  const size = (await file.stat()).size;
  if (size === 0) return;
  const chunk = new Uint8Array(Math.min(size, 64 * 1024));
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    await file.seek(start, Deno.SeekMode.Start);
    const view = chunk.subarray(0, end - start);
    let read = 0;
    while (read < view.length) {
      read += (await file.read(view.subarray(read))) ?? view.length;
    }
    const newline = view.lastIndexOf(10);
    if (newline >= 0) {
      const keep = start + newline + 1;
      if (keep < size) {
        await file.truncate(keep);
        logger.warn(
          `Cut {bytes} ${
            plural(size - keep, "byte")
          } of a torn last line from {path}`,
          {
            bytes: size - keep,
            path,
          },
        );
      }
      return;
    }
    end = start;
  }
  await file.truncate(0);
  logger.warn(
    `Cut {bytes} ${plural(size, "byte")} of a torn line from {path}`,
    {
      bytes: size,
      path,
    },
  );
}

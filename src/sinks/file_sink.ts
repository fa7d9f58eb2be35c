import { dirname } from "node:path";
import { getLogger } from "@logtape/logtape";
import { ConfigError } from "../errors.ts";
import type { RecordSink } from "./record_sink.ts";
import { encodeJsonLines } from "./_json_lines.ts";

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
  return {
    description: `file:${path}`,
    async deliver(records) {
      if (records.length === 0) return;
      const bytes = encodeJsonLines(records);
      await file.seek(0, Deno.SeekMode.End);
      let written = 0;
      while (written < bytes.length) {
        written += await file.write(bytes.subarray(written));
      }
      await file.syncData();
    },
    [Symbol.asyncDispose]() {
      file.close();
      return Promise.resolve();
    },
  };
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
        logger.warn("Cut {bytes} bytes of a torn last line from {path}", {
          bytes: size - keep,
          path,
        });
      }
      return;
    }
    end = start;
  }
  await file.truncate(0);
  logger.warn("Cut {bytes} bytes of a torn line from {path}", {
    bytes: size,
    path,
  });
}

import { join } from "node:path";
import { createSqsClient } from "../../src/aws/sqs_client.ts";
import { createStdoutSink } from "../../src/sinks/stdout_sink.ts";
import { openFileSink } from "../../src/sinks/file_sink.ts";
import { createSqsSink } from "../../src/sinks/sqs_sink.ts";
import { createElasticsearchSink } from "../../src/sinks/elasticsearch_sink.ts";
import { createStatusLine } from "../../src/log/status_line.ts";
import type { RecordSink } from "../../src/sinks/record_sink.ts";
import { startSqsFake } from "../support/sqs_fake.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { NULL_OUTPUT } from "../support/command_context.ts";
import {
  defineRecordSinkContract,
  type SinkFixture,
} from "./_record_sink_contract.ts";

/** The JSON lines of `text`, parsed. */
function parseLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter((line) => line !== "").map((line) =>
    JSON.parse(line)
  );
}

/** A fixture whose disposal also runs `close` (the fake, the temp dir). */
function fixture(
  sink: RecordSink,
  stored: () => Promise<Record<string, unknown>[]>,
  close: () => Promise<void> = () => Promise.resolve(),
): SinkFixture {
  return {
    sink,
    stored,
    async [Symbol.asyncDispose]() {
      await sink[Symbol.asyncDispose]();
      await close();
    },
  };
}

function openStdout(refuse: boolean): Promise<SinkFixture> {
  const written: Uint8Array[] = [];
  const sink = createStdoutSink({
    output: {
      write(bytes) {
        // A reader that went away (`| head`).
        if (refuse) return Promise.reject(new Deno.errors.BrokenPipe());
        written.push(bytes.slice());
        return Promise.resolve(bytes.length);
      },
    },
    statusLine: createStatusLine({ output: NULL_OUTPUT }),
    discards: () => false,
  });
  const text = () => written.map((b) => new TextDecoder().decode(b)).join("");
  return Promise.resolve(
    fixture(sink, () => Promise.resolve(parseLines(text()))),
  );
}

defineRecordSinkContract("createStdoutSink()", {
  open: () => openStdout(false),
  openRefusing: () => openStdout(true),
});

defineRecordSinkContract("openFileSink()", {
  async open() {
    const dir = await Deno.makeTempDir({ prefix: "ua-harvest-sink-" });
    const path = join(dir, "actions.jsonl");
    return fixture(
      await openFileSink({ path }),
      async () => parseLines(await Deno.readTextFile(path)),
      () => Deno.remove(dir, { recursive: true }),
    );
  },
  // A full disk: every write fails with ENOSPC.
  async openRefusing() {
    return fixture(
      await openFileSink({ path: "/dev/full" }),
      () => Promise.resolve([]),
    );
  },
});

async function openSqs(refuse: boolean): Promise<SinkFixture> {
  const fake = await startSqsFake({ queues: ["actions"] });
  const client = createSqsClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: () =>
      Promise.resolve({ accessKeyId: "test", secretAccessKey: "test" }),
  });
  if (refuse) {
    fake.rejectNext(Infinity, {
      code: "InvalidMessageContents",
      senderFault: true,
    });
  }
  const sink = await createSqsSink({
    queue: "actions",
    client,
    initialBackoffMs: 1,
  });
  return fixture(
    sink,
    () =>
      Promise.resolve(fake.messages("actions").map((m) => JSON.parse(m.body))),
    () => fake.close(),
  );
}

defineRecordSinkContract("createSqsSink()", {
  open: () => openSqs(false),
  openRefusing: () => openSqs(true),
});

async function openElasticsearch(refuse: boolean): Promise<SinkFixture> {
  const rejectIds: Record<string, string> = refuse
    ? { 1: "mapping conflict", 2: "mapping conflict", 3: "mapping conflict" }
    : {};
  const fake = startElasticsearchFake({ rejectIds });
  const sink = await createElasticsearchSink({
    elasticsearch: { host: fake.host },
  });
  return fixture(
    sink,
    () =>
      Promise.resolve(
        fake.indices().flatMap((index) => [...fake.documents(index).values()]),
      ),
    () => fake.close(),
  );
}

defineRecordSinkContract("createElasticsearchSink()", {
  open: () => openElasticsearch(false),
  openRefusing: () => openElasticsearch(true),
});

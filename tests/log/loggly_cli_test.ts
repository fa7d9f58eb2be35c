/**
 * Loggly through the CLI: events reach the bulk endpoint (flushed before the
 * process exits) with the tags and without secrets, and a Loggly that never
 * answers does not fail the run.
 */
import assert from "node:assert/strict";
import { runMain } from "../support/run_main.ts";
import { harvestEnv } from "../support/harvest_env.ts";
import { simulator } from "../support/simulator.ts";

const PASSWORD = "loggly-test-secret";

interface LogglyFake extends AsyncDisposable {
  readonly url: string;
  readonly requests: { path: string; body: string }[];
}

/** A loopback Loggly bulk endpoint; `hang` keeps every request open until closed. */
function startLogglyFake(options: { hang?: boolean } = {}): LogglyFake {
  const requests: { path: string; body: string }[] = [];
  const pending = new Set<() => void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const body = await request.text();
      requests.push({ path: new URL(request.url).pathname, body });
      if (options.hang) {
        await new Promise<void>((resolve) => pending.add(resolve));
      }
      return Response.json({ response: "ok" });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      for (const release of pending) release();
      await server.shutdown();
    },
  };
}

async function harvestWithLoggly(loggly: LogglyFake) {
  await using sim = await simulator({
    actions: 50,
    user: "u",
    password: PASSWORD,
  });
  const home = await Deno.makeTempDir();
  try {
    return await runMain(["harvest", "--output", "-", "-i", "5"], {
      cwd: home,
      env: harvestEnv({
        home,
        engage: sim,
        user: "u",
        password: PASSWORD,
        extra: {
          LOGGLY_TOKEN: "tok-123",
          LOGGLY_TAGS: "prod, ua",
          LOGGLY_URL: loggly.url,
        },
      }),
    });
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("harvest sends its log events to Loggly with the tags, flushed before exit, without secrets", async () => {
  await using loggly = startLogglyFake();
  const result = await harvestWithLoggly(loggly);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(
    loggly.requests.length > 0,
    "events were sent before the process exited",
  );
  assert.ok(
    loggly.requests.every((r) =>
      r.path === "/bulk/tok-123/tag/ua-harvest,prod,ua/"
    ),
  );
  const events = loggly.requests.flatMap((r) => r.body.trim().split("\n")).map((
    line,
  ) => JSON.parse(line));
  const summary = events.find((e) =>
    String(e.message).startsWith("Harvest done")
  );
  assert.ok(
    summary,
    `the summary event reached Loggly: ${
      JSON.stringify(events.map((e) => e.message))
    }`,
  );
  assert.equal(summary.properties.actions, 50);
  assert.ok(
    loggly.requests.every((r) =>
      !r.body.includes(PASSWORD) && !r.body.includes("tok-123")
    ),
  );
});

Deno.test("harvest succeeds when Loggly never answers", async () => {
  await using loggly = startLogglyFake({ hang: true });
  const result = await harvestWithLoggly(loggly);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /"action_id"/);
  assert.ok(loggly.requests.length > 0, "it tried");
});

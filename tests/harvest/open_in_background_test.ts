import assert from "node:assert/strict";
import { openInBackground } from "../../src/harvest/open_in_background.ts";

/** A part that records whether it was closed. */
function part(name: string) {
  const state = { name, closed: false };
  return {
    state,
    value: {
      name,
      [Symbol.asyncDispose]() {
        state.closed = true;
        return Promise.resolve();
      },
    },
  };
}

Deno.test("openInBackground() starts opening at once and hands the part over, which the caller then closes", async () => {
  const { state, value } = part("sink");
  let started = false;
  const background = openInBackground(() => {
    started = true;
    return Promise.resolve(value);
  });
  assert.equal(started, true, "started before anyone asked");
  const taken = await background.take();
  assert.equal(taken.name, "sink");
  await background[Symbol.asyncDispose]();
  assert.equal(state.closed, false, "the caller's to close now");
});

Deno.test("openInBackground() disposed before the run took the part aborts the opening and closes what it opened", async () => {
  const { state, value } = part("store");
  let seen: AbortSignal | undefined;
  const release = Promise.withResolvers<void>();
  const background = openInBackground(async (signal) => {
    seen = signal;
    await release.promise;
    return value;
  });
  const disposing = background[Symbol.asyncDispose]();
  assert.equal(seen?.aborted, true, "told to stop");
  release.resolve();
  await disposing;
  assert.equal(state.closed, true);
});

Deno.test("openInBackground() keeps a failed opening for take(), never as an unhandled rejection", async () => {
  const failure = new Error("S3 refused");
  const background = openInBackground(() => Promise.reject(failure));
  // A turn of the event loop: an unhandled rejection would fail the test.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await assert.rejects(
    background.take(),
    (error: unknown) => error === failure,
  );
  const unused = openInBackground(() => Promise.reject(failure));
  await unused[Symbol.asyncDispose]();
});

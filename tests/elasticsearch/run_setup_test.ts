import assert from "node:assert/strict";
import { runSetup } from "../../src/elasticsearch/run_setup.ts";
import { buildIndexTemplates } from "../../src/elasticsearch/index_templates.ts";
import { templateMatches } from "../../src/elasticsearch/_template_matches.ts";
import { ConfigError } from "../../src/errors.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";

Deno.test("runSetup() creates both templates, then leaves them unchanged on a second run", async () => {
  await using fake = startElasticsearchFake();
  const options = { elasticsearch: { host: fake.host } };
  const first = await runSetup(options);
  assert.deepEqual(first.templates, [
    {
      name: "ua-harvest-episodes",
      indexPatterns: ["episodes*"],
      outcome: "created",
    },
    {
      name: "ua-harvest-useractions",
      indexPatterns: ["useractions-*"],
      outcome: "created",
    },
  ]);
  const putsAfterFirst = fake.requestCounts.get("PUT /_index_template/{name}");
  assert.equal(putsAfterFirst, 2);
  const second = await runSetup(options);
  assert.deepEqual(
    second.templates.map((template) => template.outcome),
    ["unchanged", "unchanged"],
  );
  assert.equal(fake.requestCounts.get("PUT /_index_template/{name}"), 2);
});

Deno.test("runSetup() updates a template that differs from the installed one", async () => {
  await using fake = startElasticsearchFake();
  const [episodes] = buildIndexTemplates();
  fake.templates.set(episodes.name, {
    ...episodes.body,
    template: {
      mappings: { properties: { live_stream: { type: "boolean" } } },
    },
  });
  const summary = await runSetup({ elasticsearch: { host: fake.host } });
  assert.deepEqual(
    summary.templates.map((template) => template.outcome),
    ["updated", "created"],
  );
  assert.deepEqual(fake.templates.get(episodes.name), episodes.body);
});

Deno.test("runSetup() follows a custom episode index and action prefix", async () => {
  await using fake = startElasticsearchFake();
  const summary = await runSetup({
    elasticsearch: { host: fake.host },
    episodeIndex: "dce-episodes",
    actionIndexPrefix: "ua_",
  });
  assert.deepEqual(
    summary.templates.map(({ name, indexPatterns }) => [name, indexPatterns]),
    [
      ["ua-harvest-dce-episodes", ["dce-episodes*"]],
      ["ua-harvest-ua", ["ua_*"]],
    ],
  );
});

Deno.test("runSetup() refuses an invalid index name before any request", async () => {
  await using fake = startElasticsearchFake();
  await assert.rejects(
    runSetup({ elasticsearch: { host: fake.host }, episodeIndex: "Episodes" }),
    ConfigError,
  );
  assert.equal(fake.requestTotal(), 0);
});

Deno.test("buildIndexTemplates() maps the 1/0 flags as byte, addresses as lenient ip and is_playing as boolean", () => {
  const [episodes, actions] = buildIndexTemplates();
  const episodeFields = episodes.body.template.mappings.properties as Record<
    string,
    { type: string }
  >;
  assert.equal(episodeFields.live_stream.type, "byte");
  for (const field of ["start", "live_start", "live_end", "available"]) {
    assert.equal(episodeFields[field].type, "date", field);
  }
  const mappings = actions.body.template.mappings;
  interface Field {
    type?: string;
    ignore_malformed?: boolean;
    properties?: Record<string, Field>;
  }
  const actionFields = mappings.properties as Record<string, Field>;
  assert.equal(actionFields.is_live.type, "byte");
  assert.equal(actionFields.timestamp.type, "date");
  assert.deepEqual(actionFields.ip, { type: "ip", ignore_malformed: true });
  assert.equal(actionFields.action.properties?.is_playing.type, "boolean");
  assert.deepEqual(mappings.dynamic_templates, [
    {
      proxies_as_ip: {
        match: "proxy*",
        mapping: { type: "ip", ignore_malformed: true },
      },
    },
    {
      strings_as_keywords: {
        match_mapping_type: "string",
        mapping: { type: "keyword", ignore_above: 8191 },
      },
    },
  ]);
});

Deno.test("templateMatches() ignores additions and stringified numbers but not changed values", () => {
  const desired = { a: { b: 1, c: [{ d: true }] }, e: "x" };
  assert.equal(
    templateMatches(desired, {
      a: { b: "1", c: [{ d: true, extra: 1 }] },
      e: "x",
      composed_of: [],
    }),
    true,
  );
  assert.equal(
    templateMatches(desired, { a: { b: 2, c: [{ d: true }] }, e: "x" }),
    false,
  );
  assert.equal(templateMatches(desired, { a: { b: 1, c: [] }, e: "x" }), false);
  assert.equal(
    templateMatches(desired, { a: { b: 1, c: [{ d: true }] } }),
    false,
  );
});

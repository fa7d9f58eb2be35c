import assert from "node:assert/strict";
import { checkElasticsearch } from "../../src/elasticsearch/check_elasticsearch.ts";
import {
  createElasticsearchClient,
  type ElasticsearchClientOptions,
} from "../../src/elasticsearch/elasticsearch_client.ts";
import { parseElasticsearchHost } from "../../src/elasticsearch/_parse_host.ts";
import {
  ApiContractError,
  AuthenticationError,
  ConfigError,
  UnreachableError,
} from "../../src/errors.ts";
import { startElasticsearchFake } from "../support/elasticsearch_fake.ts";
import { createPrivateCa, HAS_OPENSSL } from "../support/private_ca.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("parseElasticsearchHost() reads the original's host:port as http", () => {
  assert.deepEqual(parseElasticsearchHost("localhost:9200"), {
    url: "http://localhost:9200",
    username: undefined,
    password: undefined,
  });
});

Deno.test("parseElasticsearchHost() keeps an https URL and moves credentials out of it", () => {
  assert.deepEqual(
    parseElasticsearchHost("https://elastic:s%40cret@es.example.edu:9243/"),
    {
      url: "https://es.example.edu:9243",
      username: "elastic",
      password: "s@cret",
    },
  );
});

Deno.test("parseElasticsearchHost() rejects an empty host and other schemes", () => {
  assert.throws(() => parseElasticsearchHost(" "), ConfigError);
  assert.throws(() => parseElasticsearchHost("ftp://es:21"), ConfigError);
});

Deno.test("createElasticsearchClient() refuses half a user/password pair and two kinds of credentials", () => {
  assert.throws(
    () => createElasticsearchClient({ host: "es:9200", username: "u" }),
    ConfigError,
  );
  assert.throws(
    () =>
      createElasticsearchClient({
        host: "es:9200",
        username: "u",
        password: "p",
        apiKey: "k",
      }),
    ConfigError,
  );
});

Deno.test("createElasticsearchClient() names an unreadable CA certificate", () => {
  assert.throws(
    () =>
      createElasticsearchClient({
        host: "https://es:9200",
        caCertPath: "/nonexistent/ca.pem",
      }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message.includes("/nonexistent/ca.pem"),
  );
});

/**
 * Asserts that checkElasticsearch() passes (the fake's version 8.15.0) with
 * a client made from `accepted`, and fails as `refusal` says with one made
 * from `refused`; closes both.
 */
async function assertChecksOnlyFirst(
  accepted: ElasticsearchClientOptions,
  refused: ElasticsearchClientOptions,
  refusal: (error: unknown) => boolean,
): Promise<void> {
  const good = createElasticsearchClient(accepted);
  const bad = createElasticsearchClient(refused);
  try {
    assert.equal((await checkElasticsearch(good)).version, "8.15.0");
    await assert.rejects(checkElasticsearch(bad), refusal);
  } finally {
    await good.close();
    await bad.close();
  }
}

Deno.test("checkElasticsearch() reports the cluster version", async () => {
  await using fake = startElasticsearchFake({ version: "9.1.0" });
  const client = createElasticsearchClient({ host: fake.host });
  try {
    const info = await checkElasticsearch(client);
    assert.deepEqual(info, {
      url: fake.url,
      clusterName: "fake-cluster",
      version: "9.1.0",
    });
  } finally {
    await client.close();
  }
});

Deno.test("checkElasticsearch() throws UnreachableError for a closed port", async () => {
  const fake = startElasticsearchFake();
  const host = fake.host;
  await fake.close();
  const client = createElasticsearchClient({ host, maxRetries: 0 });
  try {
    await assert.rejects(
      checkElasticsearch(client),
      (error: unknown) =>
        error instanceof UnreachableError &&
        error.message.includes(`http://${host}`) &&
        error.message.includes("ELASTICSEARCH_HOST"),
    );
  } finally {
    await client.close();
  }
});

Deno.test("checkElasticsearch() throws AuthenticationError for a wrong password without quoting it", async () => {
  await using fake = startElasticsearchFake({
    username: "elastic",
    password: "right",
  });
  const client = createElasticsearchClient({
    host: fake.host,
    username: "elastic",
    password: "wrong-secret",
  });
  try {
    await assert.rejects(
      checkElasticsearch(client),
      (error: unknown) =>
        error instanceof AuthenticationError &&
        !error.message.includes("wrong-secret") &&
        error.message.includes("ELASTICSEARCH_PASSWORD"),
    );
  } finally {
    await client.close();
  }
});

Deno.test("checkElasticsearch() accepts the right API key and refuses a wrong one", async () => {
  await using fake = startElasticsearchFake({ apiKey: "a2V5OnNlY3JldA==" });
  await assertChecksOnlyFirst(
    { host: fake.url, apiKey: "a2V5OnNlY3JldA==" },
    { host: fake.url, apiKey: "bm9wZQ==" },
    (error: unknown) =>
      error instanceof AuthenticationError &&
      !error.message.includes("bm9wZQ=="),
  );
});

Deno.test("checkElasticsearch() throws ApiContractError when the server is not Elasticsearch", async () => {
  await using fake = startElasticsearchFake({ productHeader: false });
  const client = createElasticsearchClient({ host: fake.host });
  try {
    await assert.rejects(checkElasticsearch(client), ApiContractError);
  } finally {
    await client.close();
  }
});

Deno.test({
  name:
    "createElasticsearchClient() trusts the ELASTICSEARCH_CA_CERT certificate, and without it the check says to set it",
  ignore: !HAS_OPENSSL,
  async fn() {
    await withTempDir(async (dir) => {
      const { caPath, cert, key } = await createPrivateCa(dir);
      await using fake = startElasticsearchFake({ tls: { cert, key } });
      await assertChecksOnlyFirst(
        { host: fake.url, caCertPath: caPath },
        { host: fake.url, maxRetries: 0 },
        (error: unknown) =>
          error instanceof UnreachableError &&
          error.message.includes("ELASTICSEARCH_CA_CERT"),
      );
    });
  },
});

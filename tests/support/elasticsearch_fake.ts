/**
 * A loopback Elasticsearch fake that speaks enough of the REST API for the
 * real `@elastic/elasticsearch` 8.x client: `GET /` and `HEAD /`, `_bulk`
 * (NDJSON `index`/`create`), `_index_template`, and `_search` with a
 * `composite` terms aggregation paged with `after` (index patterns resolved
 * with `ignore_unavailable` and `allow_no_indices` as Elasticsearch does). Every response carries
 * the `X-Elastic-Product` header the client checks.
 *
 * @module
 */

/** How the fake behaves. */
export interface ElasticsearchFakeOptions {
  /** Require HTTP Basic with this user (and `password`); 401 otherwise. */
  username?: string;
  /** The password that goes with `username`. */
  password?: string;
  /** Require `Authorization: ApiKey <apiKey>`; 401 otherwise. */
  apiKey?: string;
  /** Bulk items with these `_id`s fail with status 400 and the given reason. */
  rejectIds?: Record<string, string>;
  /**
   * Bulk items with these `_id`s get status 429 this many times before
   * being accepted.
   */
  tooManyRequests?: Record<string, number>;
  /**
   * Every bulk item, on every request, gets status 429 with this
   * probability, independently (a cluster pushing back on a share of its
   * writes: with 0.1, almost no 1,000-item request is fully accepted).
   * @default 0
   */
  tooManyRequestsShare?: number;
  /** The random numbers behind `tooManyRequestsShare`. @default a seeded generator */
  random?: () => number;
  /**
   * Bulk items with these `_id`s get status 503 this many times before
   * being accepted.
   */
  unavailable?: Record<string, number>;
  /** The version number `GET /` reports. @default "8.15.0" */
  version?: string;
  /** Send the `X-Elastic-Product` header. @default true */
  productHeader?: boolean;
  /** Serve https with this PEM certificate and key. @default plain http */
  tls?: { cert: string; key: string };
}

/** A running fake; dispose it (or call `close()`) to stop the server. */
export interface ElasticsearchFake extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` (`https` with `tls`). */
  readonly url: string;
  /** `127.0.0.1:<port>`, the original's `ELASTICSEARCH_HOST` form. */
  readonly host: string;
  /** The documents of one index, by `_id` (a copy of the live map). */
  documents(index: string): Map<string, Record<string, unknown>>;
  /** Every index that holds at least one document, sorted. */
  indices(): string[];
  /** Stores a document directly, as if it had been indexed earlier. */
  seed(index: string, id: string, document: Record<string, unknown>): void;
  /** Requests received, keyed `"METHOD /path"` with index names as `{index}`. */
  readonly requestCounts: Map<string, number>;
  /** How many times each bulk item `_id` was received (across requests). */
  readonly bulkAttempts: Map<string, number>;
  /** Installed index templates by name (as stored). */
  readonly templates: Map<string, Record<string, unknown>>;
  /** Total requests received. */
  requestTotal(): number;
  /** Stops the server. */
  close(): Promise<void>;
}

const JSON_HEADERS = { "content-type": "application/json" };

/** Elasticsearch's errors for an item it throttled, and for a shard that is down. */
const THROTTLED = {
  type: "es_rejected_execution_exception",
  reason: "rejected execution of coordinating operation",
};
const SHARD_DOWN = {
  type: "unavailable_shards_exception",
  reason: "primary shard is not active",
};

/** Starts the fake on 127.0.0.1 and a free port. */
export function startElasticsearchFake(
  options: ElasticsearchFakeOptions = {},
): ElasticsearchFake {
  const {
    version = "8.15.0",
    productHeader = true,
    rejectIds = {},
    tooManyRequests = {},
    tooManyRequestsShare = 0,
    random = seeded(21),
    unavailable = {},
  } = options;
  const store = new Map<string, Map<string, Record<string, unknown>>>();
  const requestCounts = new Map<string, number>();
  const bulkAttempts = new Map<string, number>();
  const templates = new Map<string, Record<string, unknown>>();
  const throttled = new Map(Object.entries(tooManyRequests));
  const down = new Map(Object.entries(unavailable));

  function respond(status: number, body: unknown, head = false): Response {
    const headers: Record<string, string> = { ...JSON_HEADERS };
    if (productHeader) headers["x-elastic-product"] = "Elasticsearch";
    return new Response(head ? null : JSON.stringify(body), {
      status,
      headers,
    });
  }

  function errorBody(status: number, type: string, reason: string) {
    return {
      error: { root_cause: [{ type, reason }], type, reason },
      status,
    };
  }

  function count(key: string): void {
    requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
  }

  function authorized(request: Request): boolean {
    const header = request.headers.get("authorization");
    if (options.username !== undefined) {
      const expected = "Basic " +
        btoa(`${options.username}:${options.password ?? ""}`);
      if (header === expected) return true;
    }
    if (options.apiKey !== undefined) {
      if (header === `ApiKey ${options.apiKey}`) return true;
    }
    return options.username === undefined && options.apiKey === undefined;
  }

  function indexFor(name: string) {
    let documents = store.get(name);
    if (documents === undefined) {
      documents = new Map();
      store.set(name, documents);
    }
    return documents;
  }

  function bulk(text: string, defaultIndex: string | undefined): Response {
    const lines = text.split("\n").filter((line) => line.trim() !== "");
    const items: unknown[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i += 2) {
      const action = JSON.parse(lines[i]) as Record<
        string,
        { _index?: string; _id?: string }
      >;
      const operation = Object.keys(action)[0];
      const meta = action[operation];
      const index = meta._index ?? defaultIndex ?? "";
      const id = meta._id ?? crypto.randomUUID();
      if (operation !== "index" && operation !== "create") {
        errors = true;
        items.push({
          [operation]: {
            _index: index,
            _id: id,
            status: 400,
            error: {
              type: "illegal_argument_exception",
              reason: `the fake does not support ${operation}`,
            },
          },
        });
        // A delete has no document line after it.
        if (operation === "delete") i -= 1;
        continue;
      }
      const document = JSON.parse(lines[i + 1]) as Record<string, unknown>;
      bulkAttempts.set(id, (bulkAttempts.get(id) ?? 0) + 1);
      const item = { _index: index, _id: id };
      const rejection = rejectIds[id];
      const throttle = (throttled.get(id) ?? 0) +
        (tooManyRequestsShare > 0 && random() < tooManyRequestsShare ? 1 : 0);
      const outage = down.get(id) ?? 0;
      /** This item failed with `status` and Elasticsearch's error. */
      const fail = (status: number, type: string, reason: string) => {
        errors = true;
        items.push({
          [operation]: { ...item, status, error: { type, reason } },
        });
      };
      if (rejection !== undefined) {
        fail(400, "document_parsing_exception", rejection);
      } else if (throttle > 0) {
        const left = throttled.get(id) ?? 0;
        if (left > 0) throttled.set(id, left - 1);
        fail(429, THROTTLED.type, THROTTLED.reason);
      } else if (outage > 0) {
        down.set(id, outage - 1);
        fail(503, SHARD_DOWN.type, SHARD_DOWN.reason);
      } else {
        const documents = indexFor(index);
        const exists = documents.has(id);
        if (operation === "create" && exists) {
          errors = true;
          items.push({
            create: {
              ...item,
              status: 409,
              error: {
                type: "version_conflict_engine_exception",
                reason: `[${id}]: version conflict, document already exists`,
              },
            },
          });
          continue;
        }
        documents.set(id, document);
        items.push({
          [operation]: {
            ...item,
            _version: 1,
            result: exists ? "updated" : "created",
            _shards: { total: 1, successful: 1, failed: 0 },
            status: exists ? 200 : 201,
          },
        });
      }
    }
    return respond(200, { took: 1, errors, items });
  }

  /**
   * Resolves a comma-separated pattern as Elasticsearch does: a concrete
   * name that does not exist is an error unless `ignore_unavailable=true`;
   * a wildcard that matches nothing is fine unless `allow_no_indices=false`
   * (then the whole pattern is an error). `missing` names the culprit.
   */
  function resolveIndices(
    pattern: string,
    params: URLSearchParams,
  ): { names: string[]; missing?: string } {
    const ignoreUnavailable = params.get("ignore_unavailable") === "true";
    const allowNoIndices = params.get("allow_no_indices") !== "false";
    const names = new Set<string>();
    for (const part of pattern.split(",").map((part) => part.trim())) {
      if (!part.includes("*")) {
        if (store.has(part)) names.add(part);
        else if (!ignoreUnavailable) return { names: [], missing: part };
        continue;
      }
      const regex = new RegExp(
        "^" +
          part.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*") +
          "$",
      );
      for (const name of store.keys()) {
        if (regex.test(name)) names.add(name);
      }
    }
    if (names.size === 0 && !allowNoIndices) {
      return { names: [], missing: pattern };
    }
    return { names: [...names].sort() };
  }

  function search(
    pattern: string,
    params: URLSearchParams,
    body: Record<string, unknown>,
  ): Response {
    const { names, missing } = resolveIndices(pattern, params);
    if (missing !== undefined) {
      return respond(
        404,
        errorBody(
          404,
          "index_not_found_exception",
          `no such index [${missing}]`,
        ),
      );
    }
    const result: Record<string, unknown> = {
      took: 1,
      timed_out: false,
      _shards: {
        total: names.length,
        successful: names.length,
        skipped: 0,
        failed: 0,
      },
      hits: {
        total: { value: 0, relation: "eq" },
        max_score: null,
        hits: [],
      },
    };
    const aggs = (body.aggs ?? body.aggregations) as
      | Record<string, Record<string, unknown>>
      | undefined;
    if (aggs === undefined || names.length === 0) return respond(200, result);
    const aggregations: Record<string, unknown> = {};
    let total = 0;
    for (const [aggName, agg] of Object.entries(aggs)) {
      const composite = agg.composite as {
        size?: number;
        sources: Record<string, { terms: { field: string } }>[];
        after?: Record<string, string>;
      };
      if (composite === undefined) {
        return respond(
          400,
          errorBody(400, "illegal_argument_exception", "only composite"),
        );
      }
      const [sourceName] = Object.keys(composite.sources[0]);
      const field = composite.sources[0][sourceName].terms.field;
      const counts = new Map<string, number>();
      for (const name of names) {
        for (const document of store.get(name)!.values()) {
          total += 1;
          const value = document[field];
          if (typeof value === "string") {
            counts.set(value, (counts.get(value) ?? 0) + 1);
          }
        }
      }
      const keys = [...counts.keys()].sort();
      const after = composite.after?.[sourceName];
      const start = after === undefined
        ? 0
        : keys.findIndex((key) => key > after);
      const page = start < 0
        ? []
        : keys.slice(start, start + (composite.size ?? 10));
      const buckets = page.map((key) => ({
        key: { [sourceName]: key },
        doc_count: counts.get(key),
      }));
      aggregations[aggName] = buckets.length === 0
        ? { buckets }
        : { after_key: buckets[buckets.length - 1].key, buckets };
    }
    result.hits = {
      total: { value: total, relation: "eq" },
      max_score: null,
      hits: [],
    };
    result.aggregations = aggregations;
    return respond(200, result);
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = decodeURIComponent(url.pathname);
    const method = request.method;
    const segments = path.split("/").filter((segment) => segment !== "");
    const route = segments.length === 0
      ? "/"
      : segments.length >= 2 && !segments[0].startsWith("_")
      ? `/{index}/${segments.slice(1).join("/")}`
      : segments[0] === "_index_template" && segments.length === 2
      ? "/_index_template/{name}"
      : path;
    count(`${method} ${route}`);
    if (!authorized(request)) {
      const reason = request.headers.has("authorization")
        ? "unable to authenticate user for REST request [/]"
        : "missing authentication credentials for REST request [/]";
      return new Response(
        JSON.stringify(errorBody(401, "security_exception", reason)),
        {
          status: 401,
          headers: {
            ...JSON_HEADERS,
            "www-authenticate": 'Basic realm="security", charset="UTF-8"',
          },
        },
      );
    }
    const text = await request.text();
    if (segments.length === 0) {
      return respond(200, {
        name: "fake-node",
        cluster_name: "fake-cluster",
        cluster_uuid: "fake-uuid",
        version: {
          number: version,
          build_flavor: "default",
          lucene_version: "9.11.1",
          minimum_wire_compatibility_version: "7.17.0",
          minimum_index_compatibility_version: "7.0.0",
        },
        tagline: "You Know, for Search",
      }, method === "HEAD");
    }
    if (path === "/_bulk" && (method === "POST" || method === "PUT")) {
      return bulk(text, undefined);
    }
    if (
      segments.length === 2 && segments[1] === "_bulk" &&
      (method === "POST" || method === "PUT")
    ) {
      return bulk(text, segments[0]);
    }
    if (segments[0] === "_index_template" && segments.length === 2) {
      const name = segments[1];
      if (method === "PUT" || method === "POST") {
        templates.set(name, JSON.parse(text));
        return respond(200, { acknowledged: true });
      }
      if (method === "GET") {
        const template = templates.get(name);
        if (template === undefined) {
          return respond(
            404,
            errorBody(
              404,
              "resource_not_found_exception",
              `index template matching [${name}] not found`,
            ),
          );
        }
        // Elasticsearch adds an empty `composed_of` to what was stored.
        return respond(200, {
          index_templates: [{
            name,
            index_template: { composed_of: [], ...template },
          }],
        });
      }
    }
    if (
      segments.length === 2 && segments[1] === "_search" &&
      (method === "POST" || method === "GET")
    ) {
      const body = text === "" ? {} : JSON.parse(text);
      return search(segments[0], url.searchParams, body);
    }
    return respond(
      400,
      errorBody(
        400,
        "illegal_argument_exception",
        `the fake does not support ${method} ${path}`,
      ),
    );
  }

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {}, ...options.tls },
    handle,
  );
  const host = `127.0.0.1:${server.addr.port}`;

  return {
    url: `${options.tls ? "https" : "http"}://${host}`,
    host,
    documents(index) {
      return new Map(store.get(index) ?? []);
    },
    indices() {
      return [...store.entries()].filter(([, docs]) => docs.size > 0).map((
        [name],
      ) => name).sort();
    },
    seed(index, id, document) {
      indexFor(index).set(id, document);
    },
    requestCounts,
    bulkAttempts,
    templates,
    requestTotal() {
      let total = 0;
      for (const value of requestCounts.values()) total += value;
      return total;
    },
    async close() {
      await server.shutdown();
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** Numbers in [0, 1) from the simulator's seeded generator: the same on every run. */
function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
import { Random } from "../../src/simulate/_random.ts";

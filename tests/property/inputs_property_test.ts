/**
 * Property-based tests (fast-check) of the code that reads input the tool
 * does not control: the `.env` parser and the Opencast normalizers. Over
 * generated inputs they either succeed or throw their typed error (never a
 * TypeError or a RangeError), the error is one line of readable length, and
 * a secret planted in the input never appears in it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { ApiContractError, ConfigError } from "../../src/errors.ts";
import { validateEnvText } from "../../src/config/validate_env_text.ts";
import { loadEnvFiles } from "../../src/config/load_env_files.ts";
import { normalizeActionPage } from "../../src/opencast/normalize_action_page.ts";
import { normalizeEpisode } from "../../src/opencast/normalize_episode.ts";
import { normalizeEpisodePage } from "../../src/opencast/normalize_episode_page.ts";
import { normalizeWorkflows } from "../../src/opencast/normalize_workflows.ts";
import { withTempDir } from "../support/temp_dir.ts";

/** A password-like token: long enough never to appear by chance. */
const SECRET = fc.stringMatching(/^[A-Za-z0-9!$%&*+,;<>?@^_~-]{12,24}$/)
  .filter((s) => /[0-9]/.test(s) && /[A-Za-z]/.test(s));

const KEY = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/);

/** One `.env` line: good, odd or broken, with the secret in value positions. */
function envLine(secret: string) {
  return fc.oneof(
    KEY.map((k) => `${k}=${secret}`),
    KEY.map((k) => `export ${k}="${secret}"`),
    KEY.map((k) => `${k} ${secret}`),
    KEY.map((k) => `${k}: ${secret}`),
    KEY.map((k) => `${k}=${secret} # comment`),
    fc.constant(secret),
    fc.constant(`"${secret}`),
    KEY.map((k) => `${k}='${secret}`),
    fc.constant(""),
    fc.constant("# a comment"),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
  );
}

function assertSafeMessage(error: Error, secret: string | null): void {
  assert.ok(!error.message.includes("\n"), `one line: ${error.message}`);
  assert.ok(error.message.length < 600, `${error.message.length} chars`);
  if (secret !== null) {
    assert.ok(
      !error.message.includes(secret),
      `the secret leaked: ${error.message}`,
    );
  }
}

Deno.test("validateEnvText() over generated .env text: passes or throws ConfigError, never with the secret", () => {
  fc.assert(
    fc.property(
      SECRET.chain((secret) =>
        fc.tuple(
          fc.constant(secret),
          fc.array(envLine(secret), { maxLength: 12 }),
          fc.constantFrom("\n", "\r\n"),
        )
      ),
      ([secret, lines, eol]) => {
        try {
          validateEnvText(lines.join(eol), "/etc/ua-harvest/.env");
        } catch (error) {
          assert.ok(error instanceof ConfigError, String(error));
          assertSafeMessage(error, secret);
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("loadEnvFiles() reads the same settings with or without a byte-order mark", async () => {
  await withTempDir((dir) => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(KEY, fc.stringMatching(/^[A-Za-z0-9_./:-]{0,20}$/)),
          { minLength: 1, maxLength: 8 },
        ),
        (pairs) => {
          const text = pairs.map(([k, v]) => `${k}=${v}`).join("\n");
          Deno.writeTextFileSync(join(dir, "plain.env"), text);
          Deno.writeTextFileSync(join(dir, "bom.env"), `\uFEFF${text}`);
          const plain = loadEnvFiles({ envFile: "plain.env", cwd: dir });
          const bom = loadEnvFiles({ envFile: "bom.env", cwd: dir });
          assert.deepEqual(bom.values, plain.values);
          assert.ok(pairs[0]![0] in bom.values, "the first key is read");
        },
      ),
      { numRuns: 100 },
    );
    return Promise.resolve();
  });
});

/** JSON-like values, biased toward the shapes the normalizers look for. */
function opencastish(secret: string) {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 30 }),
    fc.constantFrom("0", "12", "-1", "1e3", "NaN", "", "2024-06-04T12:00:00Z"),
    fc.constant({ password: secret }),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      leaf,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(
        fc.constantFrom(
          "actions",
          "action",
          "total",
          "offset",
          "limit",
          "id",
          "created",
          "mediapackageId",
          "search-results",
          "result",
          "mediapackage",
          "workflows",
          "workflow",
          "totalCount",
          "dcTitle",
          "duration",
          "attachments",
          "x",
        ),
        tie("value"),
        { maxKeys: 6 },
      ),
    ),
  }));
  return value;
}

const NORMALIZERS: [string, (raw: unknown) => unknown][] = [
  ["normalizeActionPage", normalizeActionPage],
  ["normalizeEpisode", normalizeEpisode],
  ["normalizeEpisodePage", normalizeEpisodePage],
  ["normalizeWorkflows", normalizeWorkflows],
];

for (const [name, normalize] of NORMALIZERS) {
  Deno.test(`${name}() over generated JSON: returns or throws ApiContractError, one short line without the secret`, () => {
    fc.assert(
      fc.property(
        SECRET.chain((secret) =>
          fc.tuple(fc.constant(secret), opencastish(secret))
        ),
        ([secret, raw]) => {
          try {
            normalize(raw);
          } catch (error) {
            assert.ok(
              error instanceof ApiContractError,
              `${name} threw ${String(error)}`,
            );
            assertSafeMessage(error, secret);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
  Deno.test(`${name}() over any JSON value never crashes`, () => {
    fc.assert(
      fc.property(fc.jsonValue(), (raw) => {
        try {
          normalize(raw);
        } catch (error) {
          assert.ok(error instanceof ApiContractError, String(error));
        }
      }),
      { numRuns: 500 },
    );
  });
}

import assert from "node:assert/strict";
import {
  createCredentialChain,
  type CredentialChainOptions,
} from "../../../src/aws/credentials/credential_chain.ts";
import { CredentialsProviderError } from "../../../src/aws/credentials/credentials_provider_error.ts";
import { classifyAwsError } from "../../../src/aws/classify_aws_error.ts";
import { credentialsJson, fakeSources } from "./_fake_sources.ts";

const IMDS = "http://169.254.169.254";
const ROLE_PATH = "/latest/meta-data/iam/security-credentials/";

Deno.test("createCredentialChain() takes the environment's keys first", async () => {
  const sources = fakeSources({
    env: {
      AWS_ACCESS_KEY_ID: "AKID-ENV",
      AWS_SECRET_ACCESS_KEY: "env-secret",
      AWS_SESSION_TOKEN: "env-token",
    },
    files: {
      "/home/op/.aws/credentials":
        "[default]\naws_access_key_id = AKID-FILE\naws_secret_access_key = s\n",
    },
  });
  const credentials = await createCredentialChain(sources)();
  assert.deepEqual(credentials, {
    accessKeyId: "AKID-ENV",
    secretAccessKey: "env-secret",
    sessionToken: "env-token",
  });
  assert.deepEqual(sources.seen, []);
});

Deno.test("createCredentialChain() reads AWS_PROFILE's keys from the shared files, over the environment's (as the SDK)", async () => {
  const sources = fakeSources({
    env: {
      AWS_PROFILE: "harvest",
      AWS_ACCESS_KEY_ID: "AKID-ENV",
      AWS_SECRET_ACCESS_KEY: "env-secret",
      AWS_SHARED_CREDENTIALS_FILE: "/etc/aws/credentials",
    },
    files: {
      "/home/op/.aws/config":
        "[profile harvest]\nregion = eu-west-1\naws_session_token = from-config\n",
      "/etc/aws/credentials": [
        "# the harvester's keys",
        "[default]",
        "aws_access_key_id = AKID-DEFAULT",
        "aws_secret_access_key = default-secret",
        "[harvest]",
        "aws_access_key_id = AKID-HARVEST ; a comment",
        "aws_secret_access_key = harvest-secret",
      ].join("\n"),
    },
  });
  const credentials = await createCredentialChain(sources)();
  assert.deepEqual(credentials, {
    accessKeyId: "AKID-HARVEST",
    secretAccessKey: "harvest-secret",
    sessionToken: "from-config",
  });
  assert.deepEqual(sources.reads.sort(), [
    "/etc/aws/credentials",
    "/home/op/.aws/config",
  ]);
});

Deno.test("createCredentialChain() hands SSO, credential_process and role-chain profiles to the SDK's chain", async () => {
  const cases: [string, string][] = [
    ["sso_session = corp\nsso_account_id = 1\nsso_role_name = r", "SSO"],
    ["credential_process = /usr/bin/vault-aws", "credential_process"],
    [
      "role_arn = arn:aws:iam::1:role/h\nsource_profile = base",
      "role_arn with source_profile",
    ],
    [
      "role_arn = arn:aws:iam::1:role/h\ncredential_source = Ec2InstanceMetadata",
      "role_arn with credential_source",
    ],
  ];
  for (const [settings, reason] of cases) {
    const asked: string[][] = [];
    const sources = fakeSources({
      env: { AWS_PROFILE: "corp" },
      files: { "/home/op/.aws/config": `[profile corp]\n${settings}\n` },
    });
    const credentials = await createCredentialChain({
      ...sources,
      sdkFallback(profile, why) {
        asked.push([profile, why]);
        return Promise.resolve({ accessKeyId: "SDK", secretAccessKey: "s" });
      },
    })();
    assert.equal(credentials.accessKeyId, "SDK");
    assert.deepEqual(asked, [["corp", reason]]);
  }
});

Deno.test("createCredentialChain() assumes AWS_ROLE_ARN with the web identity token (EKS) at STS, unsigned", async () => {
  const sources = fakeSources({
    env: {
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks/token",
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/harvester",
      AWS_ROLE_SESSION_NAME: "cron",
      AWS_REGION: "eu-west-1",
      AWS_EC2_METADATA_DISABLED: "true",
    },
    files: { "/var/run/secrets/eks/token": "eyJ.token.sig\n" },
    routes: {
      "POST https://sts.eu-west-1.amazonaws.com/": {
        body:
          `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <SessionToken>FwoG&amp;token</SessionToken>
      <SecretAccessKey>sts-secret</SecretAccessKey>
      <Expiration>2026-01-01T01:00:00Z</Expiration>
      <AccessKeyId>ASIA-STS</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`,
      },
    },
  });
  const credentials = await createCredentialChain(sources)();
  assert.deepEqual(credentials, {
    accessKeyId: "ASIA-STS",
    secretAccessKey: "sts-secret",
    sessionToken: "FwoG&token",
    expiration: new Date("2026-01-01T01:00:00Z"),
  });
  const [request] = sources.seen;
  assert.equal(request?.headers.authorization, undefined);
  assert.deepEqual(Object.fromEntries(new URLSearchParams(request?.body)), {
    Action: "AssumeRoleWithWebIdentity",
    Version: "2011-06-15",
    RoleArn: "arn:aws:iam::123456789012:role/harvester",
    RoleSessionName: "cron",
    WebIdentityToken: "eyJ.token.sig",
  });
});

Deno.test("createCredentialChain() names the role when STS refuses the token, as a credentials problem", async () => {
  const sources = fakeSources({
    env: {
      AWS_WEB_IDENTITY_TOKEN_FILE: "/token",
      AWS_ROLE_ARN: "arn:aws:iam::1:role/h",
      AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566",
    },
    files: { "/token": "expired" },
    routes: {
      "POST http://127.0.0.1:4566/": {
        status: 400,
        body:
          "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code><Message>Token expired</Message></Error></ErrorResponse>",
      },
    },
  });
  await assert.rejects(createCredentialChain(sources)(), (error: unknown) => {
    assert.ok(error instanceof CredentialsProviderError);
    assert.match(
      error.message,
      /arn:aws:iam::1:role\/h.*InvalidIdentityToken: Token expired/,
    );
    assert.equal(classifyAwsError(error).kind, "auth");
    return true;
  });
});

Deno.test("createCredentialChain() asks the ECS container endpoint with the token file's Authorization", async () => {
  const sources = fakeSources({
    env: {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: "ignored, the file wins",
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/token",
    },
    files: { "/token": "Bearer pod-token\n" },
    routes: {
      "GET http://169.254.170.2/v2/credentials/abc": {
        body: credentialsJson("ASIA-ECS"),
      },
    },
  });
  const credentials = await createCredentialChain(sources)();
  assert.equal(credentials.accessKeyId, "ASIA-ECS");
  assert.equal(credentials.sessionToken, "ASIA-ECS-token");
  assert.equal(sources.seen[0]?.headers.authorization, "Bearer pod-token");
});

Deno.test("createCredentialChain() refuses a plain-http full container URI to another host", async () => {
  const sources = fakeSources({
    env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://10.0.0.9/creds" },
  });
  await assert.rejects(
    createCredentialChain(sources)(),
    CredentialsProviderError,
    "current host is '10.0.0.9'",
  );
  assert.deepEqual(sources.seen, []);
});

Deno.test("createCredentialChain() gets the instance role's credentials with an IMDSv2 token", async () => {
  const sources = fakeSources({
    routes: {
      [`PUT ${IMDS}/latest/api/token`]: { body: "imds-token" },
      [`GET ${IMDS}${ROLE_PATH}`]: { body: "harvester-role\n" },
      [`GET ${IMDS}${ROLE_PATH}harvester-role`]: {
        body: credentialsJson("ASIA-EC2"),
      },
    },
  });
  const credentials = await createCredentialChain(sources)();
  assert.equal(credentials.accessKeyId, "ASIA-EC2");
  assert.deepEqual(credentials.expiration, new Date("2026-01-01T06:00:00Z"));
  assert.deepEqual(sources.seen.map((r) => [r.method, r.url]), [
    ["PUT", `${IMDS}/latest/api/token`],
    ["GET", `${IMDS}${ROLE_PATH}`],
    ["GET", `${IMDS}${ROLE_PATH}harvester-role`],
  ]);
  assert.equal(
    sources.seen[0]?.headers["x-aws-ec2-metadata-token-ttl-seconds"],
    "21600",
  );
  assert.equal(
    sources.seen[2]?.headers["x-aws-ec2-metadata-token"],
    "imds-token",
  );
});

Deno.test("createCredentialChain() falls back to IMDSv1 when the token is refused, unless v1 is disabled", async () => {
  const routes = {
    [`PUT ${IMDS}/latest/api/token`]: { status: 403, body: "" },
    [`GET ${IMDS}${ROLE_PATH}`]: { body: "r" },
    [`GET ${IMDS}${ROLE_PATH}r`]: { body: credentialsJson("ASIA-V1") },
  };
  const v1 = fakeSources({ routes });
  assert.equal((await createCredentialChain(v1)()).accessKeyId, "ASIA-V1");
  assert.equal(v1.seen[1]?.headers["x-aws-ec2-metadata-token"], undefined);
  const v2Only = fakeSources({
    env: { AWS_EC2_METADATA_V1_DISABLED: "true" },
    routes,
  });
  await assert.rejects(
    createCredentialChain(v2Only)(),
    CredentialsProviderError,
    "HTTP 403",
  );
});

Deno.test("createCredentialChain() says what it tried when no source holds credentials", async () => {
  const off = fakeSources({ env: { AWS_EC2_METADATA_DISABLED: "true" } });
  await assert.rejects(createCredentialChain(off)(), (error: unknown) => {
    assert.ok(error instanceof CredentialsProviderError);
    assert.match(
      error.message,
      /AWS_ACCESS_KEY_ID.*profile 'default'.*AWS_EC2_METADATA_DISABLED/,
    );
    return true;
  });
  assert.deepEqual(off.seen, []);
  // Not on EC2: the metadata service refuses the connection.
  const away = fakeSources();
  await assert.rejects(
    createCredentialChain(away)(),
    /instance metadata service at http:\/\/169\.254\.169\.254 gave no credentials/,
  );
});

Deno.test("createCredentialChain() keeps credentials until five minutes before they expire", async () => {
  let now = Date.parse("2026-01-01T00:00:00Z");
  let issued = 0;
  const sources = fakeSources({
    now: () => now,
    routes: {
      "GET http://169.254.170.2/creds": () => ({
        body: credentialsJson(`ASIA-${++issued}`, "2026-01-01T01:00:00Z"),
      }),
    },
    env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds" },
  });
  const provider = createCredentialChain(sources);
  const [first, second] = await Promise.all([provider(), provider()]);
  assert.equal(first.accessKeyId, "ASIA-1");
  assert.equal(second.accessKeyId, "ASIA-1");
  now = Date.parse("2026-01-01T00:54:00Z");
  assert.equal((await provider()).accessKeyId, "ASIA-1");
  now = Date.parse("2026-01-01T00:56:00Z");
  assert.equal((await provider()).accessKeyId, "ASIA-2");
  assert.equal(issued, 2);
});

Deno.test("createCredentialChain() assumes a profile's role_arn with its web_identity_token_file, in the profile's region", async () => {
  const sources = fakeSources({
    env: { AWS_PROFILE: "eks" },
    files: {
      "/home/op/.aws/config": [
        "[profile eks]",
        "role_arn = arn:aws:iam::1:role/harvester",
        "web_identity_token_file = /token",
        "region = ap-southeast-2",
      ].join("\n"),
      "/token": "jwt",
    },
    routes: {
      "POST https://sts.ap-southeast-2.amazonaws.com/": {
        body:
          "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA-P</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
      },
    },
  });
  const credentials = await createCredentialChain(sources)();
  assert.deepEqual(credentials, {
    accessKeyId: "ASIA-P",
    secretAccessKey: "s",
    sessionToken: "t",
  });
  const form = new URLSearchParams(sources.seen[0]?.body);
  assert.equal(form.get("RoleArn"), "arn:aws:iam::1:role/harvester");
  assert.equal(form.get("WebIdentityToken"), "jwt");
  assert.equal(
    form.get("RoleSessionName"),
    `ua-harvest-${Date.parse("2026-01-01T00:00:00Z")}`,
  );
});

Deno.test("createCredentialChain() never echoes the web identity token or the container token, whatever the service answers", async () => {
  const token = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXBheWxvYWQ.c2lnbmF0dXJl";
  const echo = (request: { body: string; headers: Record<string, string> }) =>
    `${new URLSearchParams(request.body).get("WebIdentityToken") ?? ""} ${
      request.headers.authorization ?? ""
    }`;
  const sts = fakeSources({
    env: {
      AWS_WEB_IDENTITY_TOKEN_FILE: "/token",
      AWS_ROLE_ARN: "arn:aws:iam::1:role/h",
      AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566",
    },
    files: { "/token": `${token}\n` },
    routes: {
      "POST http://127.0.0.1:4566/": (request) => ({
        status: 400,
        body:
          `<ErrorResponse><Error><Code>ValidationError</Code><Message>1 validation error detected: Value '${
            echo(request)
          }' at 'webIdentityToken' failed to satisfy constraint</Message></Error></ErrorResponse>`,
      }),
    },
  });
  const container = fakeSources({
    env: {
      AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/creds",
      AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
    },
    routes: {
      "GET http://169.254.170.2/creds": (request) => ({
        status: 401,
        body: `invalid authorization token ${echo(request)}`,
      }),
    },
  });
  for (const sources of [sts, container]) {
    await assert.rejects(createCredentialChain(sources)(), (error: unknown) => {
      assert.ok(error instanceof CredentialsProviderError);
      assert.ok(!error.message.includes(token), error.message);
      assert.ok(!error.message.includes("c2VjcmV0"), error.message);
      assert.match(error.message, /\*\*\*/);
      return true;
    });
  }
});

Deno.test("createCredentialChain() says what is wrong with the shared files when no source holds credentials", async () => {
  const off = { AWS_EC2_METADATA_DISABLED: "true" };
  const cases: [CredentialChainOptions, RegExp][] = [
    [
      fakeSources({
        env: off,
        files: {
          "/home/op/.aws/credentials":
            "[default\naws_access_key_id = AKID\naws_secret_access_key = s3cr3t-key-value\n",
        },
      }),
      /\/home\/op\/\.aws\/credentials line 1 is neither a \[section\] header nor a 'key = value' setting/,
    ],
    [
      fakeSources({
        env: off,
        files: {
          "/home/op/.aws/credentials": "[default]\naws_access_key_id = AKID\n",
        },
      }),
      /profile 'default' has aws_access_key_id but no aws_secret_access_key/,
    ],
    [
      fakeSources({
        env: { ...off, AWS_PROFILE: "harvset" },
        files: { "/home/op/.aws/config": "[profile harvest]\nregion = x\n" },
      }),
      /profile 'harvset' \(AWS_PROFILE\) is in neither \/home\/op\/\.aws\/config nor \/home\/op\/\.aws\/credentials/,
    ],
    [
      {
        ...fakeSources({ env: off }),
        readTextFile: (path: string) =>
          Promise.reject(
            path.endsWith("credentials")
              ? new Deno.errors.PermissionDenied(
                "Permission denied (os error 13)",
              )
              : new Deno.errors.NotFound("No such file"),
          ),
      },
      /cannot read \/home\/op\/\.aws\/credentials: Permission denied \(os error 13\)/,
    ],
  ];
  for (const [sources, expected] of cases) {
    await assert.rejects(createCredentialChain(sources)(), (error: unknown) => {
      assert.ok(error instanceof CredentialsProviderError);
      assert.match(error.message, /^Could not load AWS credentials: looked in/);
      assert.match(error.message, expected);
      assert.doesNotMatch(error.message, /s3cr3t/);
      return true;
    });
  }
});

Deno.test("createCredentialChain() says plainly that a credential_process cannot be started without the permission to run programs", async () => {
  let asked = false;
  const sources = fakeSources({
    env: { AWS_PROFILE: "vault" },
    files: {
      "/home/op/.aws/config":
        "[profile vault]\ncredential_process = /usr/local/bin/vault-aws\n",
    },
  });
  await assert.rejects(
    createCredentialChain({
      ...sources,
      runAllowed: () => false,
      sdkFallback() {
        asked = true;
        return Promise.reject(new Error("Could not load credentials"));
      },
    })(),
    (error: unknown) => {
      assert.ok(error instanceof CredentialsProviderError);
      assert.match(
        error.message,
        /profile 'vault' gets its credentials from credential_process, which ua-harvest cannot start: it has no permission to run programs/,
      );
      return true;
    },
  );
  assert.equal(asked, false);
});

Deno.test("createCredentialChain() gives up on the SDK's chain after its deadline (an SSO portal or credential_process that hangs)", async () => {
  const sources = fakeSources({
    env: { AWS_PROFILE: "corp" },
    files: { "/home/op/.aws/config": "[profile corp]\nsso_session = corp\n" },
  });
  const started = performance.now();
  await assert.rejects(
    createCredentialChain({
      ...sources,
      sdkTimeoutMs: 50,
      sdkFallback: () => new Promise(() => {}),
    })(),
    (error: unknown) => {
      assert.ok(error instanceof CredentialsProviderError);
      assert.match(
        error.message,
        /The AWS SDK gave no credentials for profile 'corp' \(SSO\) within 0\.05 s/,
      );
      return true;
    },
  );
  assert.ok(performance.now() - started < 5000);
});

Deno.test("createCredentialChain() reports an STS that fails or does not answer as an outage to retry, not as refused credentials", async () => {
  const env = {
    AWS_WEB_IDENTITY_TOKEN_FILE: "/token",
    AWS_ROLE_ARN: "arn:aws:iam::1:role/h",
    AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566",
  };
  const files = { "/token": "jwt-token-value" };
  const down = fakeSources({
    env,
    files,
    routes: {
      "POST http://127.0.0.1:4566/": {
        status: 503,
        body:
          "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>Service is unavailable</Message></Error></ErrorResponse>",
      },
    },
  });
  // No route: the connection is refused.
  const away = fakeSources({ env, files });
  for (
    const [sources, kind] of [[down, "server"], [away, "unreachable"]] as const
  ) {
    await assert.rejects(createCredentialChain(sources)(), (error: unknown) => {
      const failure = classifyAwsError(error);
      assert.equal(failure.kind, kind, String(error));
      assert.equal(failure.retryable, true);
      assert.match(
        (error as Error).message,
        /^STS did not give credentials for the role arn:aws:iam::1:role\/h with the web identity token \/token: /,
      );
      return true;
    });
  }
});

Deno.test("createCredentialChain() names a malformed endpoint variable, without the user information it holds", async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [
      {
        AWS_CONTAINER_CREDENTIALS_FULL_URI:
          "http//agent:T0ken-value@host/creds",
      },
      /^AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: current value is 'http\/\/\*\*\*@host\/creds'$/,
    ],
    [
      {
        AWS_EC2_METADATA_SERVICE_ENDPOINT:
          "http://imds:T0ken-value@169.254.169.254:notaport",
      },
      /AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL: current value is 'http:\/\/\*\*\*@169\.254\.169\.254:notaport'$/,
    ],
  ];
  for (const [env, message] of cases) {
    await assert.rejects(
      createCredentialChain(fakeSources({ env }))(),
      (error: unknown) => {
        assert.ok(error instanceof CredentialsProviderError, String(error));
        assert.match(error.message, message);
        assert.doesNotMatch(error.message, /T0ken/);
        return true;
      },
    );
  }
});

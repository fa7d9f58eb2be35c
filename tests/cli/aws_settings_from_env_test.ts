import assert from "node:assert/strict";
import { join } from "node:path";
import { awsSettingsFromEnv } from "../../src/cli/_settings.ts";
import { withTempDir } from "../support/temp_dir.ts";

Deno.test("awsSettingsFromEnv() takes the environment's keys, unless AWS_PROFILE names a profile (as the SDK's chain)", () => {
  const keys = {
    AWS_ACCESS_KEY_ID: "AKID",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_SESSION_TOKEN: "token",
    AWS_REGION: "eu-west-1",
  };
  assert.deepEqual(awsSettingsFromEnv(keys).credentials, {
    accessKeyId: "AKID",
    secretAccessKey: "secret",
    sessionToken: "token",
  });
  assert.equal(
    awsSettingsFromEnv({ ...keys, AWS_PROFILE: "harvest" }).credentials,
    undefined,
  );
  assert.equal(
    awsSettingsFromEnv({ AWS_ACCESS_KEY_ID: "AKID", AWS_REGION: "eu-west-1" })
      .credentials,
    undefined,
  );
});

Deno.test("awsSettingsFromEnv() reads the region from AWS_REGION, AWS_DEFAULT_REGION, then the profile's config", async () => {
  await withTempDir(async (dir) => {
    const config = join(dir, "config");
    await Deno.writeTextFile(
      config,
      "[default]\nregion = ca-central-1\n[profile harvest]\nregion = eu-north-1\n",
    );
    const env = { AWS_CONFIG_FILE: config };
    assert.equal(awsSettingsFromEnv(env).region, "ca-central-1");
    assert.equal(
      awsSettingsFromEnv({ ...env, AWS_PROFILE: "harvest" }).region,
      "eu-north-1",
    );
    assert.equal(
      awsSettingsFromEnv({ ...env, AWS_DEFAULT_REGION: "us-west-1" }).region,
      "us-west-1",
    );
    assert.equal(
      awsSettingsFromEnv({ ...env, AWS_REGION: "us-east-2" }).region,
      "us-east-2",
    );
    assert.equal(
      awsSettingsFromEnv({ AWS_CONFIG_FILE: join(dir, "none") }).region,
      "us-east-1",
    );
  });
});

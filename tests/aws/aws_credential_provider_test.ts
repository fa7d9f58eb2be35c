import assert from "node:assert/strict";
import { join } from "node:path";
import { awsCredentialProvider } from "../../src/aws/aws_credential_provider.ts";
import {
  createPrivateCa,
  HAS_OPENSSL,
  serveHttps,
} from "../support/private_ca.ts";
import { withTempDir } from "../support/temp_dir.ts";

const STS_ANSWER =
  `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <Credentials>
      <AccessKeyId>ASIA-PRIVATE</AccessKeyId>
      <SecretAccessKey>sts-secret</SecretAccessKey>
      <SessionToken>session</SessionToken>
      <Expiration>2999-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>`;

Deno.test("awsCredentialProvider() passes the settings' keys through as they are", async () => {
  const keys = { accessKeyId: "AKIA-STATIC", secretAccessKey: "static" };
  assert.deepEqual(await awsCredentialProvider(keys)(), keys);
});

Deno.test({
  name:
    "awsCredentialProvider() reaches an STS behind a private CA with the CA bundle, as S3 and SQS do, and not without it",
  ignore: !HAS_OPENSSL,
  async fn() {
    await withTempDir(async (dir) => {
      const ca = await createPrivateCa(dir);
      let answered = 0;
      // The client without the bundle refuses the certificate.
      await using sts = serveHttps(ca, () => {
        answered++;
        return new Response(STS_ANSWER, {
          headers: { "content-type": "text/xml" },
        });
      });
      const tokenFile = join(dir, "token");
      await Deno.writeTextFile(tokenFile, "eyJ.token.sig");
      // Each case its own environment: chains are kept per environment and CA.
      const env = (caseName: string) => ({
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
        AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/harvester",
        AWS_ROLE_SESSION_NAME: caseName,
        AWS_REGION: "eu-west-1",
        AWS_ENDPOINT_URL_STS: `https://127.0.0.1:${sts.addr.port}`,
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: join(dir, "none"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "none"),
      });
      const trusted = await awsCredentialProvider(undefined, {
        env: env("with-ca"),
        caCertPath: ca.caPath,
      })();
      assert.equal(trusted.accessKeyId, "ASIA-PRIVATE");
      assert.equal(answered, 1);
      await assert.rejects(
        awsCredentialProvider(undefined, { env: env("without-ca") })(),
      );
      assert.equal(answered, 1, "no request got past the TLS handshake");
    });
  },
});

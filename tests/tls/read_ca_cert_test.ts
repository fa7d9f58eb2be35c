import assert from "node:assert/strict";
import { join } from "node:path";
import { caBundle } from "../../src/tls/read_ca_cert.ts";
import { withTempDir } from "../support/temp_dir.ts";

const PEM = (name: string) =>
  `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;

Deno.test("caBundle() trusts the private bundle in addition to the system's first readable bundle", async () => {
  await withTempDir(async (dir) => {
    const privateCa = join(dir, "private.pem");
    const system = join(dir, "system.pem");
    await Deno.writeTextFile(privateCa, PEM("private"));
    await Deno.writeTextFile(system, PEM("system"));
    const ca = caBundle(privateCa, {
      systemBundles: [join(dir, "missing.pem"), system],
    });
    assert.deepEqual(ca, [PEM("private"), PEM("system")]);
  });
});

Deno.test("caBundle() without a system bundle trusts the private one alone, and nothing without a path", async () => {
  await withTempDir(async (dir) => {
    const privateCa = join(dir, "private.pem");
    await Deno.writeTextFile(privateCa, PEM("private"));
    assert.deepEqual(
      caBundle(privateCa, { systemBundles: [join(dir, "none.pem")] }),
      [PEM("private")],
    );
    assert.equal(caBundle(undefined), undefined);
  });
});

import assert from "node:assert/strict";
import { profileRegion } from "../../src/aws/profile_region.ts";

const CONFIG = [
  "[default]",
  "region = us-west-2",
  "[profile harvest]",
  "region = eu-central-1",
  "s3 =",
  "  addressing_style = path",
].join("\n");

function reader(files: Record<string, string>) {
  return (path: string) => {
    const text = files[path];
    if (text === undefined) throw new Deno.errors.NotFound(path);
    return text;
  };
}

Deno.test("profileRegion() reads the region of AWS_PROFILE, else default, from the config file", () => {
  const options = {
    homeDir: "/home/op",
    readTextFile: reader({ "/home/op/.aws/config": CONFIG }),
  };
  assert.equal(profileRegion({}, options), "us-west-2");
  assert.equal(
    profileRegion({ AWS_PROFILE: "harvest" }, options),
    "eu-central-1",
  );
  assert.equal(profileRegion({ AWS_PROFILE: "other" }, options), undefined);
  assert.equal(
    profileRegion(
      { AWS_CONFIG_FILE: "/etc/aws.conf" },
      {
        ...options,
        readTextFile: reader({
          "/etc/aws.conf": "[default]\nregion=ap-south-1\n",
        }),
      },
    ),
    "ap-south-1",
  );
});

Deno.test("profileRegion() is undefined without a config file", () => {
  assert.equal(
    profileRegion({}, { homeDir: "/nowhere", readTextFile: reader({}) }),
    undefined,
  );
  assert.equal(profileRegion({}, { homeDir: undefined }), undefined);
});

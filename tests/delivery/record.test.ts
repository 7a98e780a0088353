import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { environmentUrls } from "../../src/delivery/endpoints-cli";
import { run, withChartVersion } from "../../src/delivery/record-cli";
import { stackValue } from "../support/harness";

/** Recording a promotion in git, and where each stage's tests find the environment. */

const ROOT = path.resolve(__dirname, "..", "..");

describe("npm run record-promotion", () => {
  it("changes the environment's chart version and nothing else in its stack file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "record-"));
    const original = fs.readFileSync(path.join(ROOT, "Pulumi.preprod.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "Pulumi.preprod.yaml"), original);
    let out = "";
    expect(
      run(["--env", "preprod", "--version", "7.1.0", "--root", dir], {
        stdout: (t) => (out += t),
        stderr: () => {},
      }),
    ).toBe(0);
    expect(out).toBe("Pulumi.preprod.yaml: platform:gitops.chartVersion now 7.1.0\n");
    const after = fs.readFileSync(path.join(dir, "Pulumi.preprod.yaml"), "utf8");
    const changed = after.split("\n").filter((line, i) => line !== original.split("\n")[i]);
    expect(changed).toEqual(["    chartVersion: 7.1.0"]);
    expect(after.split("\n")).toHaveLength(original.split("\n").length);
  });

  it("refuses an environment or version that cannot be recorded", () => {
    let err = "";
    const io = { stdout: () => {}, stderr: (t: string) => (err += t) };
    expect(run(["--env", "staging", "--version", "1.0.0"], io)).toBe(2);
    expect(run(["--env", "dev", "--version", "latest"], io)).toBe(2);
    expect(err).toContain("--env: expected one of dev, preprod, prod");
    expect(err).toContain("--version: expected an exact chart version");
    expect(() => withChartVersion("config:\n  aws:region: eu-west-2\n", "1.0.0", "Pulumi.x.yaml")).toThrow(
      /has no platform:gitops.chartVersion/,
    );
  });
});

describe("npm run endpoints", () => {
  it("gives each environment's tests its public API and web URLs, from its stack file", () => {
    for (const env of ["dev", "preprod", "prod"]) {
      const hosts = stackValue<{ hostnames: string[] }>(env, "platform:edge").hostnames;
      const urls = environmentUrls(env);
      expect(hosts).toContain(urls.API_URL.replace("https://", ""));
      expect(hosts).toContain(urls.WEB_URL.replace("https://", ""));
      expect(urls.API_URL).toMatch(/^https:\/\/api\./);
    }
    expect(() => environmentUrls("management")).toThrow(/expected one of dev, preprod, prod/);
  });
});

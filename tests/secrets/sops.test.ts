import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bech32 } from "bech32";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { findProjectRoot } from "../../src/core/config-loader";
import {
  placeholderDecrypter,
  readSecretFiles,
  SOPS_PLACEHOLDER,
  sopsBinary,
  sopsCliDecrypter,
  useSopsDecrypter,
} from "../../src/secrets/sops-files";

/**
 * The SOPS flow: which files a stack applies and what is refused, the offline plan's placeholder,
 * and a real round trip through the pinned `sops` CLI (with a throwaway age key made here, since
 * there is no KMS offline).
 */

const ROOT = findProjectRoot();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "platform-sops-"));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  useSopsDecrypter(undefined);
});

const KMS = (stack: string) => `arn:aws:kms:eu-west-2:318274619203:alias/platform-${stack}-secrets`;

/** Writes `secrets/<stack>/<file>` under a scratch project root, as SOPS would leave it. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(tmp, "root-"));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function encrypted(name: string, keys: string[], stack = "dev"): string {
  return [
    `name: ${name}`,
    "values:",
    ...keys.map((k) => `    ${k}: ENC[AES256_GCM,data:abc=,iv:def=,tag:ghi=,type:str]`),
    "sops:",
    "    kms:",
    `        - arn: ${KMS(stack)}`,
    "          enc: AQICAHh...",
    "    encrypted_regex: ^(data|stringData|value|values|secret.*|password|.*[Kk]ey)$",
    "    version: 3.13.3",
    "",
  ].join("\n");
}

const read = (root: string, stack = "dev", reserved: string[] = []) =>
  readSecretFiles({ root, stack, keyAlias: `alias/platform-${stack}-secrets`, reserved });

describe("a stack's secret files", () => {
  it("become one secret each, <stack>/<name>, with every value (the offline plan shows placeholders)", () => {
    useSopsDecrypter(placeholderDecrypter);
    const root = project({
      "secrets/dev/webhooks.yaml": encrypted("payments/webhooks", ["SIGNING_SECRET", "CALLBACK_TOKEN"]),
      "secrets/dev/README.md": "not a secret file",
      "secrets/prod/other.yaml": encrypted("payments/other", ["X"], "prod"),
    });
    expect(read(root)).toEqual([
      {
        file: "secrets/dev/webhooks.yaml",
        name: "payments/webhooks",
        description: undefined,
        values: { SIGNING_SECRET: SOPS_PLACEHOLDER, CALLBACK_TOKEN: SOPS_PLACEHOLDER },
      },
    ]);
  });

  it("refuses a plaintext file, a file encrypted for another stack's key, a reserved or repeated name", () => {
    useSopsDecrypter(placeholderDecrypter);
    const plain = project({ "secrets/dev/a.yaml": "name: payments/a\nvalues:\n    K: plaintext\n" });
    expect(() => read(plain)).toThrow(/secrets\/dev\/a\.yaml: is not SOPS-encrypted/);
    const wrongKey = project({ "secrets/dev/a.yaml": encrypted("payments/a", ["K"], "prod") });
    expect(() => read(wrongKey)).toThrow(
      /is encrypted for .*platform-prod-secrets, not for the dev key alias\/platform-dev-secrets/,
    );
    const reserved = project({ "secrets/dev/a.yaml": encrypted("payments/payments-api", ["K"]) });
    expect(() => read(reserved, "dev", ["payments/payments-api"])).toThrow(
      /names dev\/payments\/payments-api, which the platform manages itself/,
    );
    const twice = project({
      "secrets/dev/a.yaml": encrypted("payments/a", ["K"]),
      "secrets/dev/b.yaml": encrypted("payments/a", ["K"]),
    });
    expect(() => read(twice)).toThrow(
      /secrets\/dev\/b\.yaml: names dev\/payments\/a, as secrets\/dev\/a\.yaml already does/,
    );
    const badKey = project({ "secrets/dev/a.yaml": encrypted("payments/a", ["not-a-key"]) });
    expect(() => read(badKey)).toThrow(/values\.not-a-key: expected an environment-variable-style key/);
  });

  it("the committed stacks' secret directories hold only encrypted files for their own key", () => {
    useSopsDecrypter(placeholderDecrypter);
    for (const stack of ["management", "dev", "preprod", "prod"])
      expect(() => read(ROOT, stack)).not.toThrow();
  });

  it(".sops.yaml encrypts the values of every stack's files with that stack's key", () => {
    const rules = (
      parseYaml(fs.readFileSync(path.join(ROOT, ".sops.yaml"), "utf8")) as {
        creation_rules: { path_regex: string; kms: string; encrypted_regex: string }[];
      }
    ).creation_rules;
    for (const stack of ["management", "dev", "preprod", "prod"]) {
      const rule = rules.find((r) => new RegExp(r.path_regex).test(`secrets/${stack}/x.yaml`))!;
      expect(rule.kms).toBe(KMS(stack));
      expect(new RegExp(rule.encrypted_regex).test("values")).toBe(true);
      expect(new RegExp(rule.encrypted_regex).test("name")).toBe(false);
    }
  });
});

describe("decryption with the real sops CLI", () => {
  /** A throwaway age key pair (X25519, bech32 as age writes it). */
  function ageKey(): { publicKey: string; secretKey: string } {
    const { publicKey, privateKey } = generateKeyPairSync("x25519");
    const raw = (k: typeof publicKey, field: "x" | "d") =>
      Buffer.from(String((k.export({ format: "jwk" }) as Record<string, string>)[field]), "base64url");
    return {
      publicKey: bech32.encode("age", bech32.toWords(raw(publicKey, "x"))),
      secretKey: bech32.encode("age-secret-key-", bech32.toWords(raw(privateKey, "d"))).toUpperCase(),
    };
  }

  it("decrypts what sops encrypted, and the values stay encrypted in the file", () => {
    const bin = sopsBinary(ROOT);
    if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run bash scripts/install-tools.sh`);
    const key = ageKey();
    const file = path.join(tmp, "webhooks.yaml");
    fs.writeFileSync(file, "name: payments/webhooks\nvalues:\n    SIGNING_SECRET: s3cr3t-value\n");
    execFileSync(
      bin,
      ["--encrypt", "--in-place", "--age", key.publicKey, "--encrypted-regex", "^(values)$", file],
      { stdio: "pipe", cwd: tmp },
    );
    const onDisk = fs.readFileSync(file, "utf8");
    expect(onDisk).not.toContain("s3cr3t-value");
    expect(onDisk).toContain("name: payments/webhooks");
    process.env.SOPS_AGE_KEY = key.secretKey;
    try {
      expect(sopsCliDecrypter(ROOT)(file)).toEqual({
        name: "payments/webhooks",
        values: { SIGNING_SECRET: "s3cr3t-value" },
      });
      // Without the key it cannot, and says which file and why.
      process.env.SOPS_AGE_KEY = ageKey().secretKey;
      expect(() => sopsCliDecrypter(ROOT)(file)).toThrow(/sops could not decrypt it/);
    } finally {
      delete process.env.SOPS_AGE_KEY;
    }
  });
});

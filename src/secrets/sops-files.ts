import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

/**
 * SOPS-encrypted secret files (`secrets/<stack>/*.yaml`, see secrets/README.md): found, checked and
 * decrypted with the real `sops` CLI at deploy time. SOPS decrypts with the KMS key recorded in the
 * file (the stack's `alias/platform-<stack>-secrets`, chosen by `.sops.yaml`), using the caller's
 * AWS credentials: the CI deploy role or a platform admin, the only principals its key policy lets
 * decrypt. The offline plan has no KMS: it swaps in `placeholderDecrypter` (`useSopsDecrypter`).
 */

/** One secret file, decrypted: the Secrets Manager secret it becomes and its values. */
export interface SecretFile {
  /** Path relative to the project root, e.g. `secrets/dev/payment-webhooks.yaml`. */
  readonly file: string;
  /** The secret's name under the stack's path: `<stack>/<name>` in Secrets Manager. */
  readonly name: string;
  readonly description: string | undefined;
  /** Key → value: the secret's JSON object. */
  readonly values: Readonly<Record<string, string>>;
}

/** A secret file that cannot be applied: names the file and what is wrong. */
export class SecretFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = "SecretFileError";
  }
}

/** Turns an encrypted file into its plain YAML/JSON object. */
export type SopsDecrypter = (absolutePath: string) => unknown;

/** The `sops` binary: `$SOPS_BINARY`, the project's `.tools/bin/sops` (scripts/install-tools.sh), or `sops` on PATH. */
export function sopsBinary(root: string): string {
  if (process.env.SOPS_BINARY) return process.env.SOPS_BINARY;
  const local = path.join(root, ".tools", "bin", "sops");
  return fs.existsSync(local) ? local : "sops";
}

/** Decrypts with the real `sops` CLI (`sops --decrypt --output-type json <file>`). */
export function sopsCliDecrypter(root: string): SopsDecrypter {
  return (file) => {
    const bin = sopsBinary(root);
    let out: string;
    try {
      out = execFileSync(bin, ["--decrypt", "--output-type", "json", file], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === "ENOENT") {
        throw new SecretFileError(
          path.relative(root, file),
          `cannot decrypt: the sops CLI (${bin}) is not installed; run \`bash scripts/install-tools.sh sops\``,
        );
      }
      throw new SecretFileError(
        path.relative(root, file),
        `sops could not decrypt it (are you signed in with a role its key lets decrypt?): ${String(e.stderr ?? e.message).trim()}`,
      );
    }
    return JSON.parse(out) as unknown;
  };
}

/** What the offline plan shows for every encrypted value it cannot decrypt. */
export const SOPS_PLACEHOLDER = "offline-plan-sops-placeholder";

/**
 * The offline plan's stand-in for `sops --decrypt`: SOPS encrypts values only, so the file's keys
 * are readable; every `ENC[...]` value becomes `SOPS_PLACEHOLDER`. What the plan shows is the
 * secrets the deploy would write, never their values.
 */
export const placeholderDecrypter: SopsDecrypter = (file) => {
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as Record<string, unknown> | null;
  const swap = (v: unknown): unknown => {
    if (typeof v === "string") return v.startsWith("ENC[") ? SOPS_PLACEHOLDER : v;
    if (Array.isArray(v)) return v.map(swap);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    }
    return v;
  };
  const { sops: _metadata, ...rest } = doc ?? {};
  return swap(rest);
};

let override: SopsDecrypter | undefined;

/** Replaces the decrypter (the offline plan: `placeholderDecrypter`); `undefined` restores the sops CLI. */
export function useSopsDecrypter(decrypter: SopsDecrypter | undefined): void {
  override = decrypter;
}

/** The layout every secret file follows (the `sops` key is SOPS's own metadata). */
const fileSchema = z
  .object({
    /** `<name>` of the Secrets Manager secret `<stack>/<name>`: lowercase path segments. */
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/,
        "expected a secret name such as payments/webhooks",
      ),
    description: z.string().max(2048).optional(),
    /** The secret's key/value pairs (encrypted by SOPS: `values` matches `.sops.yaml`'s encrypted_regex). */
    values: z.record(z.string(), z.string()).superRefine((values, ctx) => {
      for (const key of Object.keys(values)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
          ctx.addIssue({
            code: "custom",
            path: [key],
            message: "expected an environment-variable-style key",
          });
        }
      }
    }),
  })
  .strict();

const metadataSchema = z.object({
  kms: z.array(z.object({ arn: z.string() })).min(1),
});

/** The secret files of a stack (`secrets/<stack>/*.yaml`, `*.yml`), sorted; none when the directory is absent. */
export function secretFilesOf(root: string, stack: string): string[] {
  const dir = path.join(root, "secrets", stack);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join("secrets", stack, f));
}

/**
 * Reads, checks and decrypts a stack's secret files. Each must be SOPS-encrypted with the stack's
 * own key (`keyAlias`: a file copied from another stack's directory, or committed in plaintext,
 * is refused before anything is decrypted), follow the layout, and name a secret no other file
 * names and the platform does not manage itself (`reserved`).
 */
export function readSecretFiles(a: {
  readonly root: string;
  readonly stack: string;
  /** The stack's key alias, `alias/platform-<stack>-secrets`. */
  readonly keyAlias: string;
  /** Secret names (under `<stack>/`) the platform manages itself. */
  readonly reserved: readonly string[];
}): SecretFile[] {
  const decrypt = override ?? sopsCliDecrypter(a.root);
  const seen = new Map<string, string>();
  return secretFilesOf(a.root, a.stack).map((file) => {
    const absolute = path.join(a.root, file);
    const raw = parseYaml(fs.readFileSync(absolute, "utf8")) as Record<string, unknown> | null;
    const meta = metadataSchema.safeParse(raw?.sops);
    if (!meta.success) {
      throw new SecretFileError(
        file,
        "is not SOPS-encrypted (no sops metadata): encrypt it with `sops --encrypt --in-place` before committing",
      );
    }
    const keys = meta.data.kms.map((k) => k.arn);
    if (!keys.some((arn) => arn.endsWith(`:${a.keyAlias}`))) {
      throw new SecretFileError(
        file,
        `is encrypted for ${keys.join(", ")}, not for the ${a.stack} key ${a.keyAlias}`,
      );
    }
    const parsed = fileSchema.safeParse(decrypt(absolute));
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join(".") || "<root>"}: ${i.message}`)
        .join("; ");
      throw new SecretFileError(file, issues);
    }
    const { name, description, values } = parsed.data;
    if (a.reserved.includes(name)) {
      throw new SecretFileError(file, `names ${a.stack}/${name}, which the platform manages itself`);
    }
    const other = seen.get(name);
    if (other) throw new SecretFileError(file, `names ${a.stack}/${name}, as ${other} already does`);
    seen.set(name, file);
    return { file, name, description, values };
  });
}

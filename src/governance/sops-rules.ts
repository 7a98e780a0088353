import { stringify } from "yaml";
import { STACK_NAMES, type StackName } from "../core/environments";
import { secretsKeyAlias } from "./secrets-key-policy";

/**
 * `.sops.yaml`, derived from the list of stacks: one creation rule per stack directory
 * `secrets/<stack>/`, encrypting with that stack's secrets key (`alias/platform-<stack>-secrets` in
 * the management account, created by the management stack). The committed file must equal what
 * this renders (a test checks it; `npm run derive` rewrites it).
 */

/** The fields SOPS encrypts in a YAML file; the rest (structure, key names) stays readable in review. */
export const SOPS_ENCRYPTED_REGEX = "^(data|stringData|value|values|secret.*|password|.*[Kk]ey)$";

export interface SopsRule {
  readonly path_regex: string;
  readonly kms: string;
  readonly encrypted_regex: string;
}

export function sopsCreationRules(args: {
  readonly keyAccountId: string;
  readonly region: string;
  readonly stacks?: readonly StackName[];
}): SopsRule[] {
  if (!/^\d{12}$/.test(args.keyAccountId))
    throw new Error(`sopsCreationRules: "${args.keyAccountId}" is not an account id`);
  return (args.stacks ?? STACK_NAMES).map((stack) => ({
    path_regex: `^secrets/${stack}/.+\\.ya?ml$`,
    kms: `arn:aws:kms:${args.region}:${args.keyAccountId}:${secretsKeyAlias(stack)}`,
    encrypted_regex: SOPS_ENCRYPTED_REGEX,
  }));
}

/** The text of `.sops.yaml`. */
export function renderSopsFile(args: Parameters<typeof sopsCreationRules>[0]): string {
  const header = [
    "# Generated from src/core/environment-list.ts by `npm run derive`; do not edit by hand.",
    "# SOPS creation rules: one per stack, each file under secrets/<stack>/ encrypted with that stack's",
    "# KMS key (alias/platform-<stack>-secrets in the management account, created by the management",
    "# stack, the management stack's own by the bootstrap program; see secrets/README.md). The first",
    "# matching rule wins, so the paths are disjoint.",
  ];
  return `${header.join("\n")}\n${stringify({ creation_rules: sopsCreationRules(args) }, { lineWidth: 0 })}`;
}

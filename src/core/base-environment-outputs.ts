import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { accountId, awsRegion } from "./config-primitives";
import { PR_BASE_ENVIRONMENT } from "./environments";

/**
 * The contract between the PR environments' base environment (`PR_BASE_ENVIRONMENT`, dev) and the
 * `pr-<number>` stacks built on it: the outputs a PR stack reads through its StackReference, with
 * their formats. A PR environment reuses the base's VPC and EKS cluster and creates only its own
 * resources; a missing or malformed output fails before anything is registered, with a message
 * naming the output and the base stack. The offline plan serves exactly these outputs, from the
 * base stack evaluated under the same mocks.
 */
export const baseEnvironmentOutputsSchema = z.object({
  /** The test account: where every PR environment lives. */
  accountId,
  region: awsRegion,
  /** The base environment's VPC, which the PR environment's workloads run in. */
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "expected a VPC id (vpc-…)"),
  /** The base environment's EKS cluster: the PR's namespace and Pod Identity associations live there. */
  clusterName: z.string().min(1, "must not be empty"),
  clusterEndpoint: z.url({ protocol: /^https$/, error: "expected the cluster's https:// API endpoint" }),
  clusterCertificateAuthority: z.base64("expected the cluster's base64 certificate authority data"),
});

export type BaseEnvironmentOutputs = z.infer<typeof baseEnvironmentOutputsSchema>;

/** The outputs of the contract, by name. */
export const BASE_ENVIRONMENT_OUTPUT_NAMES = Object.keys(
  baseEnvironmentOutputsSchema.shape,
) as (keyof BaseEnvironmentOutputs)[];

/** A base environment output that is missing or not of its contract's format. */
export class BaseEnvironmentOutputsError extends Error {
  constructor(
    readonly stackRef: string,
    readonly problems: readonly { readonly output: string; readonly message: string }[],
  ) {
    super(
      `The ${PR_BASE_ENVIRONMENT} stack (${stackRef}) does not provide what a PR environment reads:\n` +
        problems.map((p) => `  - output ${p.output}: ${p.message}`).join("\n") +
        `\nApply the ${PR_BASE_ENVIRONMENT} stack first (pulumi up -s ${PR_BASE_ENVIRONMENT}), or check its outputs (pulumi stack output -s ${PR_BASE_ENVIRONMENT}).`,
    );
    this.name = "BaseEnvironmentOutputsError";
  }
}

/** Validates the base environment's outputs against the contract; keeps only the contract's keys. */
export function parseBaseEnvironmentOutputs(
  raw: Readonly<Record<string, unknown>>,
  stackRef: string,
): BaseEnvironmentOutputs {
  const parsed = baseEnvironmentOutputsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new BaseEnvironmentOutputsError(
    stackRef,
    parsed.error.issues.map((i) => ({
      output: String(i.path[0] ?? "<root>"),
      message: raw[String(i.path[0])] === undefined ? "missing" : i.message,
    })),
  );
}

/** The fully qualified name of the base environment's stack in the current organization. */
export function baseEnvironmentStackRef(project: string): string {
  return `${pulumi.getOrganization()}/${project}/${PR_BASE_ENVIRONMENT}`;
}

/**
 * Reads and validates the base environment's outputs through a StackReference. Resolves before
 * the caller registers anything that needs them; rejects with `BaseEnvironmentOutputsError`.
 */
export async function readBaseEnvironmentOutputs(project: string): Promise<BaseEnvironmentOutputs> {
  const name = baseEnvironmentStackRef(project);
  const ref = new pulumi.StackReference(PR_BASE_ENVIRONMENT, { name });
  const raw: Record<string, unknown> = {};
  for (const output of BASE_ENVIRONMENT_OUTPUT_NAMES) {
    const details = await ref.getOutputDetails(output);
    raw[output] = details.value ?? details.secretValue;
  }
  return parseBaseEnvironmentOutputs(raw, name);
}

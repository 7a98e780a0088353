import { z } from "zod";
import { accountId, awsRegion } from "./config-primitives";
import { PR_BASE_ENVIRONMENT } from "./environments";
import { type OutputProblem, readStackOutputs, StackOutputsError, validateOutputs } from "./stack-outputs";

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

/** Base environment outputs that are missing or not of the contract's format. */
export class BaseEnvironmentOutputsError extends StackOutputsError {
  constructor(stackRef: string, problems: readonly OutputProblem[]) {
    super(stackRef, problems, {
      subject: `The ${PR_BASE_ENVIRONMENT} stack`,
      stack: PR_BASE_ENVIRONMENT,
      reader: "a PR environment",
    });
    this.name = "BaseEnvironmentOutputsError";
  }
}

/** Validates the outputs against the contract; keeps only the contract's keys. */
export function parseBaseEnvironmentOutputs(
  raw: Readonly<Record<string, unknown>>,
  stackRef: string,
): BaseEnvironmentOutputs {
  const checked = validateOutputs(baseEnvironmentOutputsSchema, raw);
  if ("problems" in checked) throw new BaseEnvironmentOutputsError(stackRef, checked.problems);
  return checked.data;
}

/**
 * Reads and validates the outputs through a StackReference. Resolves before the caller registers
 * anything that needs them; rejects with `BaseEnvironmentOutputsError`.
 */
export async function readBaseEnvironmentOutputs(project: string): Promise<BaseEnvironmentOutputs> {
  const { stackRef, raw } = await readStackOutputs(
    PR_BASE_ENVIRONMENT,
    project,
    BASE_ENVIRONMENT_OUTPUT_NAMES,
  );
  return parseBaseEnvironmentOutputs(raw, stackRef);
}

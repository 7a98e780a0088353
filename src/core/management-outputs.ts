import { z } from "zod";
import { accountId, awsRegion, ipv4Block, roleArn } from "./config-primitives";
import { MANAGEMENT_STACK } from "./environments";
import { type OutputProblem, readStackOutputs, StackOutputsError, validateOutputs } from "./stack-outputs";

/**
 * The contract between the management stack and the environment stacks: the outputs an
 * environment reads through its StackReference, with their formats. Cross-stack values are never
 * copied into config. The management stack exports (at least) these; an environment validates them
 * before it registers anything that depends on them, so a missing or malformed output fails with a
 * message naming it and the management stack, not deep inside a provider call. The offline plan
 * serves exactly these outputs, from the management stack evaluated under the same mocks.
 */
const id = (prefix: string, what: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), `expected ${what} (${prefix}-…)`);

export const managementOutputsSchema = z.object({
  /** The management account: the Transit Gateway's owner, the ECR registry. */
  accountId,
  region: awsRegion,
  /** The management VPC: environments route it through the Transit Gateway. */
  vpcCidr: ipv4Block(16, 20),
  /** The VPN's client range: environments route it back through the Transit Gateway. */
  vpnClientCidr: ipv4Block(8, 24),
  transitGatewayId: id("tgw", "a Transit Gateway id"),
  transitHubRouteTableId: id("tgw-rtb", "a Transit Gateway route table id"),
  transitSpokesRouteTableId: id("tgw-rtb", "a Transit Gateway route table id"),
  /** Role an environment assumes to associate and propagate its attachment in the hub. */
  networkHubRoleArn: roleArn,
  /** Its read-only counterpart, which an environment's preview assumes instead. */
  networkHubReaderRoleArn: roleArn,
  /** The management cluster, where an environment writes its ArgoCD cluster secret. */
  argocdClusterName: z.string().min(1, "must not be empty"),
  argocdClusterEndpoint: z.url({
    protocol: /^https$/,
    error: "expected the cluster's https:// API endpoint",
  }),
  argocdClusterCertificateAuthority: z.base64("expected the cluster's base64 certificate authority data"),
  /** The role each environment assumes to write its own cluster secret into the hub, by environment. */
  argocdRegistrarRoleArns: z.record(z.string(), roleArn),
  /** Their read-only counterparts (the own cluster secret, read), which an environment's preview assumes instead. */
  argocdReaderRoleArns: z.record(z.string(), roleArn),
  /** ArgoCD's role: the one an environment's deployer role trusts. */
  argocdRoleArn: roleArn,
  /** The central AWS Config bucket (security account) every account's recorder delivers to. */
  configBucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "expected an S3 bucket name"),
});

export type ManagementOutputs = z.infer<typeof managementOutputsSchema>;

/** The outputs of the contract, by name. */
export const MANAGEMENT_OUTPUT_NAMES = Object.keys(
  managementOutputsSchema.shape,
) as (keyof ManagementOutputs)[];

/** Management outputs that are missing or not of the contract's format. */
export class ManagementOutputsError extends StackOutputsError {
  constructor(stackRef: string, problems: readonly OutputProblem[]) {
    super(stackRef, problems, {
      subject: "The management stack",
      stack: MANAGEMENT_STACK,
      reader: "this stack",
    });
    this.name = "ManagementOutputsError";
  }
}

/** Validates the outputs against the contract; keeps only the contract's keys. */
export function parseManagementOutputs(
  raw: Readonly<Record<string, unknown>>,
  stackRef: string,
): ManagementOutputs {
  const checked = validateOutputs(managementOutputsSchema, raw);
  if ("problems" in checked) throw new ManagementOutputsError(stackRef, checked.problems);
  return checked.data;
}

/**
 * Reads and validates the outputs through a StackReference. Resolves before the caller registers
 * anything that needs them; rejects with `ManagementOutputsError`.
 */
export async function readManagementOutputs(project: string): Promise<ManagementOutputs> {
  const { stackRef, raw } = await readStackOutputs(MANAGEMENT_STACK, project, MANAGEMENT_OUTPUT_NAMES);
  return parseManagementOutputs(raw, stackRef);
}

import type * as aws from "@pulumi/aws";
import { readBaseEnvironmentOutputs } from "./core/base-environment-outputs";
import { type PrConfig, prEnvironmentStack } from "./pr";

/**
 * A PR environment (`pr-<number>`): only what must be its own, on its base environment's VPC and
 * cluster, which it reads (validated) through a StackReference before anything else.
 */
export async function prStack(cfg: PrConfig, provider: aws.Provider) {
  const base = await readBaseEnvironmentOutputs(cfg.project);
  return prEnvironmentStack(cfg, base, provider);
}

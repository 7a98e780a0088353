import type * as aws from "@pulumi/aws";
import { Network } from "../components/network";
import type { PlatformConfig } from "../config";
import { clusterName } from "../naming";

/** The stack's VPC: the same component for the management VPC and every environment's. */
export function stackNetwork(cfg: PlatformConfig, provider: aws.Provider): Network {
  const naming = { project: cfg.project, stack: cfg.stack };
  return new Network(
    "network",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      network: cfg.network,
      clusterName: clusterName(naming),
      protect: cfg.info.productionGrade,
    },
    { provider },
  );
}

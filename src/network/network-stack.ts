import type * as aws from "@pulumi/aws";
import type { StackBasics } from "../core/config-loader";
import { clusterName } from "../core/naming";
import { Network } from "./network";
import type { NetworkConfig } from "./network-config";

/** The stack's VPC: the same component for the management VPC and every environment's. */
export function stackNetwork(
  cfg: StackBasics & { readonly network: NetworkConfig },
  provider: aws.Provider,
): Network {
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

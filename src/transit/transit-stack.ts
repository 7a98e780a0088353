import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackBasics } from "../core/config-loader";
import { ENVIRONMENT_STACKS } from "../core/environments";
import type { ManagementOutputs } from "../core/management-outputs";
import { assumingProvider } from "../core/provider";
import type { Network } from "../network";
import type { TransitConfig, VpnConfig } from "./transit-config";
import { TransitHub } from "./transit-hub";
import type { TransitDesign } from "./transit-routes";
import { TransitSpoke } from "./transit-spoke";
import { TailscaleRouter } from "./vpn-router";

/** What the hub reads of the management stack's model. */
export type TransitHubStackConfig = StackBasics & {
  readonly network: { readonly vpcCidr: string };
  readonly transit: TransitConfig;
  readonly vpn: VpnConfig;
};

/** The environments' VPC CIDRs as the stack files in this repository declare them. */
export function environmentCidrs(cfg: Pick<StackBasics, "peers">): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stack of ENVIRONMENT_STACKS) {
    const cidr = cfg.peers[stack]?.vpcCidr;
    if (!cidr) throw new Error(`transit: the ${stack} stack file declares no platform:network.vpcCidr`);
    out[stack] = cidr;
  }
  return out;
}

/** The VPC CIDRs the subnet routers advertise to the tailnet: the management VPC and every environment. */
export function vpnRoutes(cfg: Pick<TransitHubStackConfig, "network" | "peers">): string[] {
  return [cfg.network.vpcCidr, ...Object.values(environmentCidrs(cfg))];
}

/**
 * Management side: the Transit Gateway hub and the VPN subnet routers, which register with
 * `routerAuthKey` (the tailnet's key for them, written to the Secrets Manager entry they read at boot).
 * Returns the stack outputs it adds and the routers (anything that needs the private network
 * through the tailnet comes after them).
 */
export function transitHubStack(
  cfg: TransitHubStackConfig,
  network: Network,
  spokeRoleArns: { readonly deploy: pulumi.Input<string>[]; readonly preview: pulumi.Input<string>[] },
  organizationArn: pulumi.Input<string>,
  routerAuthKey: pulumi.Input<string>,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const design: TransitDesign = {
    managementCidr: cfg.network.vpcCidr,
    vpnClientCidr: cfg.transit.vpnClientCidr,
    environments: environmentCidrs(cfg),
  };
  const hub = new TransitHub(
    "transit",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      amazonSideAsn: cfg.transit.amazonSideAsn,
      design,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      routeTableIds: network.privateRouteTableIds,
      organizationArn,
      spokeDeployRoleArns: spokeRoleArns.deploy,
      spokePreviewRoleArns: spokeRoleArns.preview,
    },
    { provider },
  );
  const vpn = new TailscaleRouter(
    "vpn",
    {
      naming,
      region: cfg.region,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      advertiseRoutes: vpnRoutes(cfg),
      authKey: routerAuthKey,
      instanceType: cfg.vpn.instanceType,
      desiredCapacity: cfg.vpn.desiredCapacity,
      launchTags: cfg.tags,
    },
    { provider },
  );
  return {
    routers: vpn,
    outputs: {
      transitGatewayId: hub.transitGatewayId,
      transitHubRouteTableId: hub.hubRouteTableId,
      transitSpokesRouteTableId: hub.spokesRouteTableId,
      transitManagementAttachmentId: hub.managementAttachmentId,
      networkHubRoleArn: hub.networkHubRoleArn,
      networkHubReaderRoleArn: hub.networkHubReaderRoleArn,
      vpnClientCidr: design.vpnClientCidr,
      vpnAuthKeySecretArn: vpn.authKeySecretArn,
    },
  };
}

/**
 * Environment side: attach the VPC to the hub read from the management stack's outputs, and route
 * the management VPC and the VPN range (nothing else) through it. Returns the stack outputs it adds
 * and the spoke (the cluster's API is reachable from CI and ArgoCD only once it exists).
 */
export function transitSpokeStack(
  cfg: StackBasics,
  network: Network,
  management: ManagementOutputs,
  provider: aws.Provider,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  // A read-only run (a CI preview) reads the hub through the role's read-only counterpart.
  const hubProvider = assumingProvider(cfg, "aws-network-hub", {
    accountId: management.accountId,
    roleArn: cfg.readOnly ? management.networkHubReaderRoleArn : management.networkHubRoleArn,
  });
  const spoke = new TransitSpoke(
    "transit",
    {
      naming,
      transitGatewayId: management.transitGatewayId,
      spokesRouteTableId: management.transitSpokesRouteTableId,
      hubRouteTableId: management.transitHubRouteTableId,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      routeTableIds: network.privateRouteTableIds,
      destinations: { management: management.vpcCidr, vpn: management.vpnClientCidr },
      hubProvider,
    },
    { provider },
  );
  return { spoke, outputs: { transitAttachmentId: spoke.attachmentId } };
}

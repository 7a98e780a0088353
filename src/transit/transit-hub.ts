import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import {
  assumedOnlyBy,
  NETWORK_HUB_READER_ROLE_NAME,
  NETWORK_HUB_ROLE_NAME,
  networkHubPermissions,
  networkHubReaderPermissions,
} from "../governance";
import { type TransitDesign, transitRouteTables } from "./transit-routes";

export interface TransitHubArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  readonly amazonSideAsn: number;
  /** CIDRs of the management VPC, the VPN clients and every environment. */
  readonly design: TransitDesign;
  /** The management VPC and the subnets its attachment uses (private, one per AZ). */
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /** Management VPC route tables that get routes to the environments through the Transit Gateway. */
  readonly routeTableIds: pulumi.Input<string>[];
  /** ARN of the organization the Transit Gateway is shared with. */
  readonly organizationArn: pulumi.Input<string>;
  /** The environments' deploy roles: the only principals that may assume the network-hub role. */
  readonly spokeDeployRoleArns: pulumi.Input<string>[];
  /** The environments' preview roles: the only principals that may assume the read-only network-hub reader. */
  readonly spokePreviewRoleArns: pulumi.Input<string>[];
}

/**
 * The Transit Gateway hub in the management account, shared with the organization through RAM.
 * Default association and propagation are off; two route tables implement `transitRouteTables`:
 * `hub` (management attachment; every environment propagates into it) and `spokes` (every
 * environment attachment; only the management VPC and the VPN range are reachable, and each
 * environment CIDR is blackholed). Environment stacks attach themselves through the
 * `platform-network-hub` role, which may only associate with `spokes` and propagate into `hub`.
 */
export class TransitHub extends pulumi.ComponentResource {
  readonly transitGatewayId: pulumi.Output<string>;
  readonly hubRouteTableId: pulumi.Output<string>;
  readonly spokesRouteTableId: pulumi.Output<string>;
  readonly managementAttachmentId: pulumi.Output<string>;
  readonly networkHubRoleArn: pulumi.Output<string>;
  readonly networkHubReaderRoleArn: pulumi.Output<string>;

  constructor(name: string, args: TransitHubArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:transit:TransitHub", name, {}, opts);
    const parent = { parent: this };
    const { naming, design } = args;
    const tables = transitRouteTables(design);

    const tgw = new aws.ec2transitgateway.TransitGateway(
      "tgw",
      {
        description:
          "Platform hub: management VPC and VPN to each environment, never environment to environment",
        amazonSideAsn: args.amazonSideAsn,
        defaultRouteTableAssociation: "disable",
        defaultRouteTablePropagation: "disable",
        // Only organization accounts can see the share; an accepted attachment routes nowhere
        // until the hub role associates it with the spokes table.
        autoAcceptSharedAttachments: "enable",
        dnsSupport: "enable",
        vpnEcmpSupport: "enable",
        tags: nameTag(naming, "tgw"),
      },
      { ...parent, protect: true },
    );
    this.transitGatewayId = tgw.id;

    const sharing = new aws.ram.SharingWithOrganization("ram-org-sharing", {}, parent);
    const share = new aws.ram.ResourceShare(
      "tgw-share",
      {
        name: physicalName(naming, "tgw"),
        allowExternalPrincipals: false,
        tags: nameTag(naming, "tgw-share"),
      },
      { ...parent, dependsOn: [sharing] },
    );
    new aws.ram.ResourceAssociation(
      "tgw-share-tgw",
      { resourceArn: tgw.arn, resourceShareArn: share.arn },
      parent,
    );
    new aws.ram.PrincipalAssociation(
      "tgw-share-org",
      { principal: args.organizationArn, resourceShareArn: share.arn },
      parent,
    );

    const hub = new aws.ec2transitgateway.RouteTable(
      "rt-hub",
      { transitGatewayId: tgw.id, tags: nameTag(naming, "tgw-rt", "hub") },
      parent,
    );
    const spokes = new aws.ec2transitgateway.RouteTable(
      "rt-spokes",
      { transitGatewayId: tgw.id, tags: nameTag(naming, "tgw-rt", "spokes") },
      parent,
    );
    this.hubRouteTableId = hub.id;
    this.spokesRouteTableId = spokes.id;

    const attachment = new aws.ec2transitgateway.VpcAttachment(
      "attachment",
      {
        transitGatewayId: tgw.id,
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        dnsSupport: "enable",
        transitGatewayDefaultRouteTableAssociation: false,
        transitGatewayDefaultRouteTablePropagation: false,
        tags: nameTag(naming, "tgw-attachment"),
      },
      parent,
    );
    this.managementAttachmentId = attachment.id;

    // The management attachment: associated with `hub`, propagated into `spokes`.
    new aws.ec2transitgateway.RouteTableAssociation(
      "hub-assoc-management",
      { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: hub.id },
      parent,
    );
    new aws.ec2transitgateway.RouteTablePropagation(
      "spokes-prop-management",
      { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: spokes.id },
      parent,
    );

    // Static routes of the spokes table: the VPN range to the management VPC, each environment blackholed.
    for (const route of tables.spokes.staticRoutes) {
      const target = "blackhole" in route.target ? "blackhole" : route.target.attachment;
      new aws.ec2transitgateway.Route(
        `spokes-${target}-${route.destination.replace(/[./]/g, "-")}`,
        {
          transitGatewayRouteTableId: spokes.id,
          destinationCidrBlock: route.destination,
          ...("blackhole" in route.target
            ? { blackhole: true }
            : { transitGatewayAttachmentId: attachment.id }),
        },
        parent,
      );
    }

    // The management VPC reaches every environment through the Transit Gateway.
    args.routeTableIds.forEach((routeTableId, i) => {
      for (const [stack, cidr] of Object.entries(design.environments)) {
        new aws.ec2.Route(
          `vpc-rt-${i}-to-${stack}`,
          { routeTableId, destinationCidrBlock: cidr, transitGatewayId: tgw.id },
          { ...parent, dependsOn: [attachment] },
        );
      }
    });

    const hubRole = new aws.iam.Role(
      "network-hub-role",
      {
        name: NETWORK_HUB_ROLE_NAME,
        description:
          "Environment stacks associate their Transit Gateway attachment (spokes table) and propagate it (hub table).",
        maxSessionDuration: 3600,
        assumeRolePolicy: pulumi.all(args.spokeDeployRoleArns).apply((arns) => toJson(assumedOnlyBy(arns))),
        tags: nameTag(naming, "network-hub"),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      "network-hub-policy",
      {
        role: hubRole.name,
        policy: pulumi.all([spokes.id, hub.id]).apply(([spokesRouteTableId, hubRouteTableId]) =>
          toJson(
            networkHubPermissions({
              region: args.region,
              accountId: args.accountId,
              spokesRouteTableId,
              hubRouteTableId,
            }),
          ),
        ),
      },
      parent,
    );
    this.networkHubRoleArn = hubRole.arn;

    // Its read-only counterpart: an environment's preview configures its hub-side provider through
    // it (a preview's platform-preview may not assume the role that associates and propagates).
    const readerRole = new aws.iam.Role(
      "network-hub-reader-role",
      {
        name: NETWORK_HUB_READER_ROLE_NAME,
        description: "Environment stacks' previews read the Transit Gateway and its route tables.",
        maxSessionDuration: 3600,
        assumeRolePolicy: pulumi.all(args.spokePreviewRoleArns).apply((arns) => toJson(assumedOnlyBy(arns))),
        tags: nameTag(naming, "network-hub-reader"),
      },
      parent,
    );
    new aws.iam.RolePolicy(
      "network-hub-reader-policy",
      { role: readerRole.name, policy: toJson(networkHubReaderPermissions()) },
      parent,
    );
    this.networkHubReaderRoleArn = readerRole.arn;

    this.registerOutputs({
      transitGatewayId: this.transitGatewayId,
      hubRouteTableId: this.hubRouteTableId,
      spokesRouteTableId: this.spokesRouteTableId,
      networkHubRoleArn: this.networkHubRoleArn,
      networkHubReaderRoleArn: this.networkHubReaderRoleArn,
    });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";

export interface TransitSpokeArgs {
  readonly naming: NameContext;
  /** The hub's Transit Gateway and route tables (management stack outputs). */
  readonly transitGatewayId: pulumi.Input<string>;
  readonly spokesRouteTableId: pulumi.Input<string>;
  readonly hubRouteTableId: pulumi.Input<string>;
  /** This environment's VPC and the private subnets (one per AZ) the attachment uses. */
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<string>[];
  /** The VPC route tables that send `destinations` to the Transit Gateway (the private ones). */
  readonly routeTableIds: pulumi.Input<string>[];
  /** Where this environment may go through the hub: the management VPC and the VPN client range, by label. */
  readonly destinations: Readonly<Record<string, pulumi.Input<string>>>;
  /** Provider in the management account assuming the `platform-network-hub` role. */
  readonly hubProvider: aws.Provider;
}

/**
 * An environment's side of the Transit Gateway: the VPC attachment (in this account, to the
 * gateway the management account shares), its association with the hub's `spokes` route table
 * and its propagation into the `hub` table (both made in the management account through the
 * narrowly scoped network-hub role), and VPC routes to the management VPC and the VPN range only.
 */
export class TransitSpoke extends pulumi.ComponentResource {
  readonly attachmentId: pulumi.Output<string>;

  constructor(name: string, args: TransitSpokeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:transit:TransitSpoke", name, {}, opts);
    const parent = { parent: this };

    // Default association/propagation flags are not settable on a shared gateway's attachment;
    // the hub has both switched off.
    const attachment = new aws.ec2transitgateway.VpcAttachment(
      "attachment",
      {
        transitGatewayId: args.transitGatewayId,
        vpcId: args.vpcId,
        subnetIds: args.subnetIds,
        dnsSupport: "enable",
        tags: nameTag(args.naming, "tgw-attachment"),
      },
      parent,
    );
    this.attachmentId = attachment.id;

    const hubSide = { parent: this, provider: args.hubProvider };
    new aws.ec2transitgateway.RouteTableAssociation(
      "spokes-assoc",
      { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: args.spokesRouteTableId },
      hubSide,
    );
    new aws.ec2transitgateway.RouteTablePropagation(
      "hub-prop",
      { transitGatewayAttachmentId: attachment.id, transitGatewayRouteTableId: args.hubRouteTableId },
      hubSide,
    );

    args.routeTableIds.forEach((routeTableId, i) => {
      for (const [label, cidr] of Object.entries(args.destinations)) {
        new aws.ec2.Route(
          `rt-${i}-to-${label}`,
          { routeTableId, destinationCidrBlock: cidr, transitGatewayId: args.transitGatewayId },
          { ...parent, dependsOn: [attachment] },
        );
      }
    });

    this.registerOutputs({ attachmentId: this.attachmentId });
  }
}

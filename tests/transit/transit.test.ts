import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyDocument } from "../../src/core/policy-document";
import { routerUserData } from "../../src/transit/router-user-data";
import { deliveredTo, transitRouteTables } from "../../src/transit/transit-routes";
import { named, ofType, type PlanResult, planStack, within } from "../support/harness";
import { allows } from "../support/policy-evaluator";

const ENVS = { dev: "10.10.0.0/16", preprod: "10.20.0.0/16", prod: "10.30.0.0/16" };
const DESIGN = { managementCidr: "10.0.0.0/16", vpnClientCidr: "100.64.0.0/10", environments: ENVS };
const doc = (json: unknown) => JSON.parse(String(json)) as PolicyDocument;

describe("routing design (pure)", () => {
  const tables = transitRouteTables(DESIGN);

  it("delivers nothing from one environment to another", () => {
    for (const from of Object.keys(ENVS)) {
      for (const [to, cidr] of Object.entries(ENVS)) {
        if (to !== from) expect(deliveredTo(tables, DESIGN, from, cidr), `${from} → ${to}`).toBeUndefined();
      }
      expect(deliveredTo(tables, DESIGN, from, "10.0.12.7/32")).toBe("management");
      expect(deliveredTo(tables, DESIGN, from, "100.101.2.3/32")).toBe("management");
    }
  });

  it("lets the management VPC (and the VPN router in it) reach every environment", () => {
    for (const [env, cidr] of Object.entries(ENVS))
      expect(deliveredTo(tables, DESIGN, "management", cidr)).toBe(env);
  });

  it("stays isolated even if an environment were wrongly propagated into the spokes table", () => {
    const leaky = {
      ...tables,
      spokes: { ...tables.spokes, propagations: [...tables.spokes.propagations, "dev"] },
    };
    expect(deliveredTo(leaky, DESIGN, "prod", ENVS.dev)).toBeUndefined();
  });

  it("refuses overlapping CIDRs", () => {
    expect(() => transitRouteTables({ ...DESIGN, vpnClientCidr: "10.20.0.0/24" })).toThrow(/overlaps/);
  });
});

describe("management stack: the hub", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planStack("management");
  });

  it("turns default association and propagation off and shares the gateway with the organization only", () => {
    expect(named(plan, "aws:ec2transitgateway/transitGateway:TransitGateway", "tgw").inputs).toMatchObject({
      defaultRouteTableAssociation: "disable",
      defaultRouteTablePropagation: "disable",
    });
    expect(
      named(plan, "aws:ram/resourceShare:ResourceShare", "tgw-share").inputs.allowExternalPrincipals,
    ).toBe(false);
    expect(
      named(plan, "aws:ram/principalAssociation:PrincipalAssociation", "tgw-share-org").inputs.principal,
    ).toMatch(/^arn:aws:organizations::\d{12}:organization\/o-/);
  });

  it("associates the management attachment with hub and propagates it into spokes, nothing else", () => {
    const attachment = named(plan, "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "attachment");
    expect(attachment.inputs.subnetIds).toEqual(plan.outputs.privateSubnetIds);
    const assoc = ofType(plan, "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation");
    const props = ofType(plan, "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation");
    expect(assoc.map((a) => a.inputs.transitGatewayRouteTableId)).toEqual([
      plan.outputs.transitHubRouteTableId,
    ]);
    expect(props.map((a) => a.inputs.transitGatewayRouteTableId)).toEqual([
      plan.outputs.transitSpokesRouteTableId,
    ]);
    const mgmtAttachment = plan.outputs.transitManagementAttachmentId;
    expect([...assoc, ...props].map((a) => a.inputs.transitGatewayAttachmentId)).toEqual([
      mgmtAttachment,
      mgmtAttachment,
    ]);
  });

  it("gives the spokes table the VPN range via management and a blackhole for every environment", () => {
    const routes = ofType(plan, "aws:ec2transitgateway/route:Route");
    expect(
      routes.every((r) => r.inputs.transitGatewayRouteTableId === plan.outputs.transitSpokesRouteTableId),
    ).toBe(true);
    const byDest = Object.fromEntries(routes.map((r) => [r.inputs.destinationCidrBlock, r.inputs]));
    expect(Object.keys(byDest).sort()).toEqual([
      "10.10.0.0/16",
      "10.20.0.0/16",
      "10.30.0.0/16",
      "100.64.0.0/10",
    ]);
    for (const cidr of Object.values(ENVS)) expect(byDest[cidr]).toMatchObject({ blackhole: true });
    expect(byDest["100.64.0.0/10"]!.transitGatewayAttachmentId).toBe(
      plan.outputs.transitManagementAttachmentId,
    );
    expect(byDest["100.64.0.0/10"]!.blackhole).toBeUndefined();
  });

  it("routes the management private subnets to every environment through the gateway", () => {
    const vpcRoutes = within(plan, "transit").filter((r) => r.type === "aws:ec2/route:Route");
    const tables = plan.outputs.privateRouteTableIds as string[];
    expect(vpcRoutes).toHaveLength(tables.length * 3);
    for (const r of vpcRoutes) {
      expect(tables).toContain(r.inputs.routeTableId);
      expect(Object.values(ENVS)).toContain(r.inputs.destinationCidrBlock);
      expect(r.inputs.transitGatewayId).toBe(plan.outputs.transitGatewayId);
    }
  });

  it("lets the network-hub role associate only with spokes and propagate only into hub", () => {
    const policy = doc(named(plan, "aws:iam/rolePolicy:RolePolicy", "network-hub-policy").inputs.policy);
    const rtArn = (id: unknown) =>
      `arn:aws:ec2:eu-west-2:318274619203:transit-gateway-route-table/${String(id)}`;
    const hub = rtArn(plan.outputs.transitHubRouteTableId);
    const spokes = rtArn(plan.outputs.transitSpokesRouteTableId);
    const can = (action: string, resource: string) => allows(policy, { action, resource });
    expect(can("ec2:AssociateTransitGatewayRouteTable", spokes)).toBe(true);
    expect(can("ec2:AssociateTransitGatewayRouteTable", hub)).toBe(false);
    expect(can("ec2:EnableTransitGatewayRouteTablePropagation", hub)).toBe(true);
    expect(can("ec2:EnableTransitGatewayRouteTablePropagation", spokes)).toBe(false);
    expect(can("ec2:CreateTransitGatewayRoute", spokes)).toBe(false);
    const trust = doc(named(plan, "aws:iam/role:Role", "network-hub-role").inputs.assumeRolePolicy);
    const deploy = plan.outputs.deployRoleArns as Record<string, string>;
    expect(trust.Statement[0]!.Principal).toEqual({ AWS: [deploy.dev, deploy.preprod, deploy.prod] });
  });
});

describe.each(["dev", "preprod", "prod"])("%s stack: the spoke", (stack) => {
  let plan: PlanResult;
  let mgmt: PlanResult;
  beforeAll(async () => {
    mgmt = await planStack("management");
    plan = await planStack(stack);
  });

  it("attaches its private subnets to the hub's gateway read from the management stack", () => {
    const a = named(plan, "aws:ec2transitgateway/vpcAttachment:VpcAttachment", "attachment");
    expect(a.inputs.transitGatewayId).toBe(mgmt.outputs.transitGatewayId);
    expect(a.inputs.subnetIds).toEqual(plan.outputs.privateSubnetIds);
    expect(a.provider).toBe("aws");
  });

  it("associates with spokes and propagates into hub through the network-hub role in the management account", () => {
    const assoc = named(
      plan,
      "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
      "spokes-assoc",
    );
    const prop = named(plan, "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation", "hub-prop");
    expect(assoc.inputs.transitGatewayRouteTableId).toBe(mgmt.outputs.transitSpokesRouteTableId);
    expect(prop.inputs.transitGatewayRouteTableId).toBe(mgmt.outputs.transitHubRouteTableId);
    expect([assoc.provider, prop.provider]).toEqual(["aws-network-hub", "aws-network-hub"]);
    const hub = named(plan, "pulumi:providers:aws", "aws-network-hub").inputs;
    const chain = (typeof hub.assumeRoles === "string" ? JSON.parse(hub.assumeRoles) : hub.assumeRoles) as {
      roleArn: string;
    }[];
    expect(chain.at(-1)!.roleArn).toBe(mgmt.outputs.networkHubRoleArn);
    expect(hub.allowedAccountIds).toEqual([mgmt.outputs.accountId]);
  });

  it("routes only the management VPC and the VPN range to the gateway, never another environment", () => {
    const tgwRoutes = ofType(plan, "aws:ec2/route:Route").filter(
      (r) => r.inputs.transitGatewayId !== undefined,
    );
    const tables = plan.outputs.privateRouteTableIds as string[];
    expect(tgwRoutes).toHaveLength(tables.length * 2);
    for (const t of tables) {
      expect(
        tgwRoutes
          .filter((r) => r.inputs.routeTableId === t)
          .map((r) => r.inputs.destinationCidrBlock)
          .sort(),
      ).toEqual(["10.0.0.0/16", "100.64.0.0/10"]);
    }
    const others = Object.entries(ENVS)
      .filter(([s]) => s !== stack)
      .map(([, c]) => c);
    const all = ofType(plan, "aws:ec2/route:Route").map((r) => r.inputs.destinationCidrBlock);
    for (const cidr of others) expect(all).not.toContain(cidr);
  });
});

describe("VPN subnet routers", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planStack("management");
  });

  it("launch without a public IP, with IMDSv2 only and SSM access", () => {
    const lt = named(plan, "aws:ec2/launchTemplate:LaunchTemplate", "template").inputs as Record<
      string,
      unknown
    >;
    expect(lt.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(lt.networkInterfaces).toEqual([expect.objectContaining({ associatePublicIpAddress: "false" })]);
    expect(
      within(plan, "vpn").some(
        (r) =>
          r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
          r.inputs.policyArn === "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      ),
    ).toBe(true);
    const sg = within(plan, "vpn").find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup")!;
    expect(sg.inputs.ingress ?? []).toEqual([]);
  });

  it("read the auth key from Secrets Manager at boot and advertise the VPC CIDRs", () => {
    const lt = named(plan, "aws:ec2/launchTemplate:LaunchTemplate", "template").inputs;
    const script = Buffer.from(String(lt.userData), "base64").toString("utf8");
    expect(script).toContain(`--secret-id '${String(plan.outputs.vpnAuthKeySecretArn)}'`);
    expect(script).toContain("--advertise-routes=10.0.0.0/16,10.10.0.0/16,10.20.0.0/16,10.30.0.0/16 ");
    expect(script).not.toMatch(/tskey-/);
    // The key itself comes from the tailnet as code (tests/delivery), never the launch template.
    expect(
      ofType(plan, "aws:secretsmanager/secretVersion:SecretVersion")
        .filter((r) => r.components.includes("vpn"))
        .map((r) => r.name),
    ).toEqual(["auth-key-value"]);
  });

  it("run at least one router across the private subnets with the platform tags propagated to instances", () => {
    const asg = named(plan, "aws:autoscaling/group:Group", "asg").inputs as Record<string, unknown>;
    expect(asg.minSize as number).toBeGreaterThanOrEqual(1);
    expect(asg.vpcZoneIdentifiers).toEqual(plan.outputs.privateSubnetIds);
    const tags = asg.tags as { key: string; propagateAtLaunch: boolean }[];
    for (const key of ["Project", "Environment", "Owner", "CostCenter", "ManagedBy", "Name"]) {
      expect(tags.find((t) => t.key === key)?.propagateAtLaunch, key).toBe(true);
    }
  });

  it("refuses a user-data script without a secret ARN", () => {
    expect(() =>
      routerUserData({
        authKeySecretArn: "tskey-auth-abc",
        region: "eu-west-2",
        advertiseRoutes: ["10.0.0.0/16"],
        tag: "tag:router",
        hostnamePrefix: "x",
        tailscaleVersion: "1.86.2",
      }),
    ).toThrow(/not a Secrets Manager secret ARN/);
  });
});

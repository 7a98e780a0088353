import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { policy, toJson } from "../core/policy-document";
import { serviceRole } from "../core/service-role";
import { VERSIONS } from "../core/versions";
import { routerUserData } from "./router-user-data";

/** Amazon Linux 2023 (arm64), resolved by EC2 at launch from the public SSM parameter. */
export const ROUTER_AMI = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
/** The Tailscale ACL tag routers register with; the tailnet policy auto-approves its routes. */
export const ROUTER_TAG = "tag:platform-subnet-router";

export interface VpnArgs {
  readonly naming: NameContext;
  readonly region: string;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets of the management VPC (the routers get no public address). */
  readonly subnetIds: pulumi.Input<string>[];
  /** VPC CIDRs advertised to the tailnet: the management VPC and every environment. */
  readonly advertiseRoutes: readonly string[];
  /** The tailnet's auth key for the routers (managed by the tailnet as code), stored in Secrets Manager. */
  readonly authKey: pulumi.Input<string>;
  readonly instanceType: string;
  readonly desiredCapacity: number;
  /** The stack's default tags: provider default tags do not reach instances and volumes, so they are propagated. */
  readonly launchTags: Readonly<Record<string, string>>;
}

/**
 * Tailscale subnet routers for staff access to internal load balancers: an auto-scaling group in
 * the management VPC's private subnets (no public IP, IMDSv2 only, SSM Session Manager instead of
 * SSH) advertising the VPC CIDRs; traffic continues through the Transit Gateway. The auth key comes
 * from the tailnet as code and is stored in a Secrets Manager secret the routers read at boot; the
 * auto-scaling group starts only once it holds the key.
 */
export class TailscaleRouter extends pulumi.ComponentResource {
  readonly authKeySecretArn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly autoScalingGroupName: pulumi.Output<string>;

  constructor(name: string, args: VpnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:vpn:TailscaleRouter", name, {}, opts);
    const parent = { parent: this };
    const { naming } = args;

    const secret = new aws.secretsmanager.Secret(
      "auth-key",
      {
        name: `${naming.project}/${naming.stack}/tailscale-auth-key`,
        description:
          "Tailscale auth key the VPN subnet routers register with (managed by the management stack).",
        recoveryWindowInDays: 7,
        tags: nameTag(naming, "tailscale-auth-key"),
      },
      parent,
    );
    this.authKeySecretArn = secret.arn;
    const authKey = new aws.secretsmanager.SecretVersion(
      "auth-key-value",
      { secretId: secret.id, secretString: pulumi.secret(pulumi.output(args.authKey)) },
      parent,
    );

    const sg = new aws.ec2.SecurityGroup(
      "sg",
      {
        vpcId: args.vpcId,
        description: "Tailscale subnet routers: no inbound; outbound to the tailnet and the advertised VPCs",
        ingress: [],
        egress: [
          {
            description: "Tailscale coordination and DERP (HTTPS)",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: ["0.0.0.0/0"],
          },
          {
            description: "Tailscale direct connections (WireGuard)",
            protocol: "udp",
            fromPort: 41641,
            toPort: 41641,
            cidrBlocks: ["0.0.0.0/0"],
          },
          { description: "STUN", protocol: "udp", fromPort: 3478, toPort: 3478, cidrBlocks: ["0.0.0.0/0"] },
          {
            description: "Forwarded staff traffic to the advertised VPCs",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: [...args.advertiseRoutes],
          },
        ],
        tags: nameTag(naming, "vpn-router-sg"),
      },
      parent,
    );
    this.securityGroupId = sg.id;

    const role = serviceRole(
      "role",
      { naming, roleName: "vpn-router", service: "ec2.amazonaws.com" },
      parent,
    );
    new aws.iam.RolePolicyAttachment(
      "ssm-core",
      { role: role.name, policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore" },
      parent,
    );
    new aws.iam.RolePolicy(
      "read-auth-key",
      {
        role: role.name,
        policy: secret.arn.apply((arn) =>
          toJson(
            policy({
              Sid: "ReadAuthKey",
              Effect: "Allow",
              Action: "secretsmanager:GetSecretValue",
              Resource: arn,
            }),
          ),
        ),
      },
      parent,
    );
    const profile = new aws.iam.InstanceProfile(
      "profile",
      { name: physicalName(naming, "vpn-router"), role: role.name, tags: nameTag(naming, "vpn-router") },
      parent,
    );

    const template = new aws.ec2.LaunchTemplate(
      "template",
      {
        name: physicalName(naming, "vpn-router"),
        imageId: ROUTER_AMI,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        },
        networkInterfaces: [
          { associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [sg.id] },
        ],
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        monitoring: { enabled: true },
        userData: secret.arn.apply((authKeySecretArn) =>
          Buffer.from(
            routerUserData({
              authKeySecretArn,
              region: args.region,
              advertiseRoutes: args.advertiseRoutes,
              tag: ROUTER_TAG,
              hostnamePrefix: physicalName(naming, "vpn"),
              tailscaleVersion: VERSIONS.tailscale,
            }),
          ).toString("base64"),
        ),
        tagSpecifications: [
          { resourceType: "volume", tags: { ...args.launchTags, ...nameTag(naming, "vpn-router") } },
        ],
        updateDefaultVersion: true,
        tags: nameTag(naming, "vpn-router"),
      },
      parent,
    );

    // Default tags reach the group but not its instances: propagate them (and a Name) at launch.
    const launchTags: Record<string, string> = {
      ...args.launchTags,
      ...nameTag(naming, "vpn-router"),
      Role: "tailscale-subnet-router",
    };
    const asg = new aws.autoscaling.Group(
      "asg",
      {
        name: physicalName(naming, "vpn-router"),
        minSize: args.desiredCapacity,
        maxSize: args.desiredCapacity + 1,
        desiredCapacity: args.desiredCapacity,
        vpcZoneIdentifiers: args.subnetIds,
        healthCheckType: "EC2",
        healthCheckGracePeriod: 120,
        launchTemplate: { id: template.id, version: template.latestVersion.apply((v) => String(v)) },
        instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
        tags: Object.entries(launchTags).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      },
      { ...parent, dependsOn: [authKey] },
    );
    this.autoScalingGroupName = asg.name;

    this.registerOutputs({
      authKeySecretArn: this.authKeySecretArn,
      autoScalingGroupName: this.autoScalingGroupName,
    });
  }
}

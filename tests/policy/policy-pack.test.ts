import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { policyContext } from "../../policy/context";
import { evaluatePolicies, type Finding } from "../../policy/offline";
import { platformPolicies } from "../../policy/pack";
import { STACK_NAMES, STACKS, type StackName } from "../../src/core/environments";
import { type PlannedResource, type PlanResult, planStack } from "../support/harness";

/**
 * The policy pack against the real program: every stack passes it, and every policy catches a
 * deliberately bad resource (one real resource of the stack changed, or one added).
 */

type Mutable = { -readonly [K in keyof PlannedResource]: PlannedResource[K] };
type Change = (plan: { resources: Mutable[] }) => void;

function changed(plan: PlanResult, change: Change): PlanResult {
  const copy = structuredClone({ ...plan, resources: [...plan.resources] }) as PlanResult & {
    resources: Mutable[];
  };
  change(copy);
  return copy;
}

function find(plan: { resources: Mutable[] }, type: string, name: string): Mutable {
  // `type` is the end of the type token at a boundary: "Queue" is aws:sqs/queue:Queue, not platform:data:PaymentsQueue.
  const r = plan.resources.find(
    (x) =>
      x.name === name &&
      (x.type === type || (x.type.endsWith(type) && /[/:]$/.test(x.type.slice(0, -type.length)))),
  );
  if (!r) throw new Error(`no ${type} "${name}"`);
  return r;
}

function remove(plan: { resources: Mutable[] }, type: string, name: string): void {
  plan.resources.splice(plan.resources.indexOf(find(plan, type, name)), 1);
}

function added(plan: { resources: Mutable[] }, like: Mutable, fields: Partial<Mutable>): void {
  plan.resources.push({ ...structuredClone(like), ...fields });
}

/** Findings of one policy on a changed copy of the stack's plan. */
async function findingsOf(stack: StackName, policy: string, change: Change): Promise<Finding[]> {
  const ctx = policyContext(stack);
  const only = platformPolicies(ctx).filter((p) => p.policy.name === policy);
  expect(only, `policy ${policy} exists`).toHaveLength(1);
  return evaluatePolicies(changed(await planStack(stack), change), ctx, only);
}

const policyDoc = (statements: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

/** [policy, stack, what is wrong, the change, the resource the finding must name ("" = the stack), message]. */
const VIOLATIONS: [string, StackName, string, Change, string, RegExp][] = [
  [
    "nat-gateway-per-az",
    "prod",
    "one NAT gateway removed",
    (p) => remove(p, "NatGateway", "nat-c"),
    "",
    /no NAT gateway in eu-west-2c/,
  ],
  [
    "private-route-same-az-nat",
    "prod",
    "AZ a's private route sent to AZ b's NAT gateway",
    (p) => {
      find(p, "ec2/route:Route", "rt-private-a-default").inputs.natGatewayId = find(
        p,
        "ec2/route:Route",
        "rt-private-b-default",
      ).inputs.natGatewayId;
    },
    "rt-private-a-default",
    /eu-west-2a.*NAT gateway "nat-b" in eu-west-2b/,
  ],
  [
    "no-open-ingress",
    "prod",
    "SSH from anywhere on the endpoints' security group",
    (p) => {
      find(p, "SecurityGroup", "endpoints-sg").inputs.ingress = [
        { cidrBlocks: ["0.0.0.0/0"], fromPort: 22, toPort: 22, protocol: "tcp" },
      ];
    },
    "endpoints-sg",
    /internet on tcp 22-22/,
  ],
  [
    "no-open-ingress",
    "prod",
    "an ingress rule open to ::/0 on every protocol",
    (p) => {
      const r = find(p, "SecurityGroupIngressRule", "api-from-10-0-0-0-16");
      r.inputs = { ...r.inputs, cidrIpv4: undefined, cidrIpv6: "::/0", ipProtocol: "-1" };
    },
    "api-from-10-0-0-0-16",
    /all protocols/,
  ],
  [
    "vpc-flow-logs",
    "dev",
    "the flow log removed",
    (p) => remove(p, "FlowLog", "flow-log"),
    "vpc",
    /VPC "vpc" has no flow log/,
  ],
  [
    "no-route-between-environments",
    "prod",
    "a route to preprod's VPC through the Transit Gateway",
    (p) => {
      find(p, "ec2/route:Route", "rt-0-to-management").inputs.destinationCidrBlock = "10.20.0.0/16";
    },
    "rt-0-to-management",
    /10\.20\.0\.0\/16 \(preprod\)/,
  ],
  [
    "no-route-between-environments",
    "dev",
    "the attachment propagated into the spokes' table it is associated with",
    (p) => {
      find(p, "RouteTablePropagation", "hub-prop").inputs.transitGatewayRouteTableId = find(
        p,
        "RouteTableAssociation",
        "spokes-assoc",
      ).inputs.transitGatewayRouteTableId;
    },
    "hub-prop",
    /every spoke would reach it/,
  ],
  [
    "no-route-between-environments",
    "management",
    "the spokes' blackhole for prod turned into a route",
    (p) => {
      find(p, "ec2transitgateway/route:Route", "spokes-blackhole-10-30-0-0-16").inputs.blackhole = false;
    },
    "spokes-blackhole-10-30-0-0-16",
    /10\.30\.0\.0\/16 \(prod\)/,
  ],
  [
    "encrypted-with-stack-key",
    "prod",
    "a DynamoDB table with no serverSideEncryption block",
    (p) => {
      delete find(p, "Table", "payments-table").inputs.serverSideEncryption;
    },
    "payments-table",
    /encryption at rest is not enabled/,
  ],
  [
    "encrypted-with-stack-key",
    "prod",
    "the database encrypted with another account's key",
    (p) => {
      find(p, "rds/instance:Instance", "db-primary").inputs.kmsKeyId =
        "arn:aws:kms:eu-west-2:529381746102:key/11111111-2222-3333-4444-555555555555";
    },
    "db-primary",
    /account 529381746102, not the stack's account 751029384756/,
  ],
  [
    "encrypted-with-stack-key",
    "preprod",
    "an application secret on the AWS-managed key",
    (p) => {
      delete find(p, "Secret", "provider-api-key").inputs.kmsKeyId;
    },
    "provider-api-key",
    /AWS-managed key/,
  ],
  [
    "encrypted-with-stack-key",
    "dev",
    "a log group on the AWS-managed key",
    (p) => {
      find(p, "LogGroup", "worker-logs").inputs.kmsKeyId = "alias/aws/logs";
    },
    "worker-logs",
    /AWS-managed key alias\/aws\/logs/,
  ],
  [
    "s3-encrypted-with-stack-key",
    "dev",
    "the archive bucket switched to S3-managed keys without a log-delivery reason",
    (p) => {
      find(p, "BucketServerSideEncryptionConfiguration", "archive-encryption").inputs.rules = [
        { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ];
    },
    "archive-bucket",
    /S3-managed keys without a log-delivery reason \(EncryptionAtRest tag: none\)/,
  ],
  [
    "s3-encrypted-with-stack-key",
    "management",
    "the audit bucket encrypted with another account's key",
    (p) => {
      const rule = (
        find(p, "BucketServerSideEncryptionConfiguration", "audit-encryption").inputs.rules as {
          applyServerSideEncryptionByDefault: Record<string, unknown>;
        }[]
      )[0]!;
      rule.applyServerSideEncryptionByDefault.kmsMasterKeyId =
        "arn:aws:kms:eu-west-2:529381746102:key/11111111-2222-3333-4444-555555555555";
    },
    "audit-bucket",
    /account 529381746102, not the stack's account 318274619203/,
  ],
  [
    "kms-key-rotation",
    "dev",
    "a key that never rotates",
    (p) => {
      find(p, "kms/key:Key", "data-key").inputs.enableKeyRotation = false;
    },
    "data-key",
    /rotation is off/,
  ],
  [
    "kms-key-rotation",
    "prod",
    "a prod key with a 7-day deletion window",
    (p) => {
      find(p, "kms/key:Key", "data-key").inputs.deletionWindowInDays = 7;
    },
    "data-key",
    /deletion window is 7 days/,
  ],
  [
    "sqs-encrypted",
    "prod",
    "the payments queue unencrypted",
    (p) => {
      delete find(p, "Queue", "payments-queue").inputs.kmsMasterKeyId;
    },
    "payments-queue",
    /not encrypted/,
  ],
  [
    "s3-public-access-blocked",
    "prod",
    "the archive's public access block allowing public policies",
    (p) => {
      find(p, "BucketPublicAccessBlock", "archive-public-access").inputs.blockPublicPolicy = false;
    },
    "archive-bucket",
    /no public access block with all four/,
  ],
  [
    "s3-tls-only",
    "management",
    "the audit bucket's policy without its TLS statement",
    (p) => {
      const policy = find(p, "BucketPolicy", "audit-bucket-policy");
      const doc = JSON.parse(String(policy.inputs.policy)) as {
        Statement: { Condition?: { Bool?: unknown } }[];
      };
      policy.inputs.policy = policyDoc(doc.Statement.filter((s) => !s.Condition?.Bool));
    },
    "audit-bucket",
    /admits plain HTTP/,
  ],
  [
    "s3-versioning",
    "dev",
    "the assets bucket's versioning suspended",
    (p) => {
      find(p, "BucketVersioning", "assets-versioning").inputs.versioningConfiguration = {
        status: "Suspended",
      };
    },
    "assets-bucket",
    /not versioned/,
  ],
  [
    "rds-baseline",
    "dev",
    "a publicly accessible database",
    (p) => {
      find(p, "rds/instance:Instance", "db-primary").inputs.publiclyAccessible = true;
    },
    "db-primary",
    /publicly accessible/,
  ],
  [
    "rds-baseline",
    "preprod",
    "a single-AZ primary in a production-grade stack",
    (p) => {
      find(p, "rds/instance:Instance", "db-primary").inputs.multiAz = false;
    },
    "db-primary",
    /not Multi-AZ/,
  ],
  [
    "dynamodb-baseline",
    "dev",
    "a table without point-in-time recovery",
    (p) => {
      find(p, "Table", "payments-table").inputs.pointInTimeRecovery = { enabled: false };
    },
    "payments-table",
    /point-in-time recovery is off/,
  ],
  [
    "lambda-baseline",
    "prod",
    "the worker outside the VPC",
    (p) => {
      delete find(p, "Function", "worker").inputs.vpcConfig;
    },
    "worker",
    /outside the VPC/,
  ],
  [
    "opensearch-baseline",
    "dev",
    "a search endpoint admitting TLS 1.0",
    (p) => {
      find(p, "opensearch/domain:Domain", "search").inputs.domainEndpointOptions = {
        enforceHttps: true,
        tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07",
      };
    },
    "search",
    /TLS below 1\.2/,
  ],
  [
    "eks-private-control-plane",
    "prod",
    "a public API endpoint in prod",
    (p) => {
      find(p, "eks:index:Cluster", "eks").inputs.endpointPublicAccess = true;
    },
    "eks",
    /public in a production-grade stack/,
  ],
  [
    "eks-private-control-plane",
    "dev",
    "an EKS cluster (as a real preview sees it) open to the internet and missing audit logs",
    (p) => {
      added(p, find(p, "eks:index:Cluster", "eks"), {
        type: "aws:eks/cluster:Cluster",
        name: "eks-cluster",
        inputs: {
          vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true },
          enabledClusterLogTypes: ["api"],
          accessConfig: { authenticationMode: "API" },
        },
      });
    },
    "eks-cluster",
    /answers the whole internet/,
  ],
  [
    "eks-nodes-hardened",
    "management",
    "the VPN routers' launch template allowing IMDSv1",
    (p) => {
      const lt = find(p, "LaunchTemplate", "template");
      lt.inputs.metadataOptions = { ...(lt.inputs.metadataOptions as object), httpTokens: "optional" };
    },
    "template",
    /IMDSv1 is allowed/,
  ],
  [
    "eks-nodes-hardened",
    "prod",
    "Karpenter nodes with unencrypted volumes",
    (p) => {
      const nc = find(p, "EC2NodeClass", "node-class");
      const spec = nc.inputs.spec as { blockDeviceMappings: { ebs: { encrypted: boolean } }[] };
      spec.blockDeviceMappings[0]!.ebs.encrypted = false;
    },
    "node-class",
    /volume .* is not encrypted/,
  ],
  [
    "karpenter-bounded-capacity",
    "prod",
    "a spot-only NodePool in prod",
    (p) => {
      const spec = find(p, "NodePool", "node-pool").inputs.spec as {
        template: { spec: { requirements: { key: string; values: string[] }[] } };
      };
      spec.template.spec.requirements.find((r) => r.key === "karpenter.sh/capacity-type")!.values = ["spot"];
    },
    "node-pool",
    /spot only/,
  ],
  [
    "iam-no-users-or-access-keys",
    "dev",
    "an IAM user and an access key",
    (p) => {
      const like = find(p, "iam/role:Role", "worker-role");
      added(p, like, { type: "aws:iam/user:User", name: "ci-user", inputs: { name: "ci" } });
    },
    "ci-user",
    /User creates long-lived credentials/,
  ],
  [
    "iam-no-data-plane-wildcard",
    "prod",
    "the worker allowed to read every object and secret",
    (p) => {
      find(p, "RolePolicy", "worker-data-access").inputs.policy = policyDoc([
        {
          Effect: "Allow",
          Action: ["s3:GetObject", "secretsmanager:GetSecretValue", "ec2:DescribeSubnets"],
          Resource: "*",
        },
      ]);
    },
    "worker-data-access",
    /allows s3:GetObject, secretsmanager:GetSecretValue on every resource/,
  ],
  [
    "log-retention",
    "prod",
    "prod's worker logs kept 30 days",
    (p) => {
      find(p, "LogGroup", "worker-logs").inputs.retentionInDays = 30;
    },
    "worker-logs",
    /kept 30 days; at least 90 in prod/,
  ],
  [
    "log-retention",
    "dev",
    "a log group that never expires",
    (p) => {
      delete find(p, "LogGroup", "worker-logs").inputs.retentionInDays;
    },
    "worker-logs",
    /forever/,
  ],
  [
    "required-tags",
    "management",
    "the stack's provider without CostCenter",
    (p) => {
      const provider = find(p, "providers:aws", "aws");
      provider.inputs.defaultTags = {
        tags: { Project: "platform", Environment: "management", Owner: "platform-team", ManagedBy: "pulumi" },
      };
    },
    "aws",
    /default tag CostCenter is missing/,
  ],
  [
    "required-tags",
    "prod",
    "a resource tagged as another environment",
    (p) => {
      find(p, "Table", "payments-table").inputs.tags = { Name: "x", Environment: "dev" };
    },
    "payments-table",
    /Environment="dev" overrides the provider's "prod"/,
  ],
  [
    "protect-stateful-resources",
    "prod",
    "the prod database unprotected",
    (p) => {
      find(p, "rds/instance:Instance", "db-primary").protect = false;
    },
    "db-primary",
    /holds state and is not protected/,
  ],
];

describe("the policy pack on the real stacks", () => {
  it.each(STACK_NAMES)("reports no violation, mandatory or advisory, on %s", async (stack) => {
    const findings = evaluatePolicies(await planStack(stack));
    expect(findings.map((f) => `${f.policy}: ${f.resource?.name ?? "(stack)"}: ${f.message}`)).toEqual([]);
  });

  it("is mandatory in the gated stacks and advisory elsewhere, except the baseline, which is mandatory everywhere", () => {
    for (const stack of STACK_NAMES) {
      for (const { policy, cls } of platformPolicies(policyContext(stack))) {
        const expected = cls === "baseline" || STACKS[stack].gated ? "mandatory" : "advisory";
        expect(policy.enforcementLevel, `${stack} ${policy.name}`).toBe(expected);
      }
    }
    // The levels follow the environment list, not names: the gated stacks block on every policy.
    const gated = STACK_NAMES.filter((s) =>
      platformPolicies(policyContext(s)).every((p) => p.policy.enforcementLevel === "mandatory"),
    );
    expect(gated).toEqual(STACK_NAMES.filter((s) => STACKS[s].gated));
  });

  it("gives every policy a description and remediation steps", () => {
    for (const { policy } of platformPolicies(policyContext("prod"))) {
      expect(policy.description.length, policy.name).toBeGreaterThan(20);
      expect(policy.remediationSteps?.length ?? 0, policy.name).toBeGreaterThan(20);
    }
  });

  it("has a violating-resource test for every policy", () => {
    const tested = new Set(VIOLATIONS.map(([policy]) => policy));
    const names = platformPolicies(policyContext("prod")).map((p) => p.policy.name);
    expect(names.filter((n) => !tested.has(n))).toEqual([]);
  });
});

describe("each policy catches a deliberately bad resource", () => {
  it.each(VIOLATIONS)("%s (%s): %s", async (policy, stack, _what, change, resource, message) => {
    const findings = await findingsOf(stack, policy, change);
    expect(findings.length, JSON.stringify(findings)).toBeGreaterThan(0);
    const hit = findings.find((f) => message.test(f.message));
    expect(hit, findings.map((f) => f.message).join("\n")).toBeDefined();
    expect(hit?.resource?.name ?? "").toBe(resource);
    const ctx = policyContext(stack);
    expect(hit?.enforcementLevel).toBe(
      platformPolicies(ctx).find((p) => p.policy.name === policy)?.policy.enforcementLevel,
    );
  });

  it("admits HTTPS from anywhere (a public load balancer's rule)", async () => {
    const findings = await findingsOf("prod", "no-open-ingress", (p) => {
      find(p, "SecurityGroup", "endpoints-sg").inputs.ingress = [
        { cidrBlocks: ["0.0.0.0/0"], fromPort: 443, toPort: 443, protocol: "tcp" },
      ];
    });
    expect(findings).toEqual([]);
  });

  it("reports dev's findings of a gated policy as advisory, prod's as mandatory", async () => {
    const unset: Change = (p) => {
      delete find(p, "LogGroup", "worker-logs").inputs.retentionInDays;
    };
    expect((await findingsOf("dev", "log-retention", unset))[0]?.enforcementLevel).toBe("advisory");
    expect((await findingsOf("prod", "log-retention", unset))[0]?.enforcementLevel).toBe("mandatory");
  });
});

describe("during the preview of a new stack, when ids and ARNs are not known yet", () => {
  // What the engine hands a stack policy then: props behind the pack's proxy, computed values unknown.
  const { unknownCheckingProxy, unknownStringValue } = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy: <T>(x: T) => T;
    unknownStringValue: string;
  };
  const unknown = unknownStringValue;
  const resource = (type: string, name: string, props: Record<string, unknown>): PolicyResource => ({
    type,
    name,
    urn: `urn:pulumi:dev::platform::${type}::${name}`,
    props: unknownCheckingProxy(props),
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  });
  const stackPolicy = (stack: StackName, name: string) =>
    platformPolicies(policyContext(stack)).find((p) => p.policy.name === name)!
      .policy as StackValidationPolicy;
  const validate = (stack: StackName, name: string, resources: PolicyResource[]) => {
    const messages: string[] = [];
    stackPolicy(stack, name).validateStack(
      {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: () => {
          throw new Error("n/a");
        },
      },
      (m) => messages.push(m),
    );
    return messages;
  };

  it("still catches a propagation into the associated table through the attachment both depend on", () => {
    const attachment = resource("aws:ec2transitgateway/vpcAttachment:VpcAttachment", "attachment", {
      id: unknown,
    });
    const assoc = resource(
      "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation",
      "spokes-assoc",
      {
        transitGatewayAttachmentId: unknown,
        transitGatewayRouteTableId: "tgw-rtb-spokes",
      },
    );
    const prop = resource("aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation", "hub-prop", {
      transitGatewayAttachmentId: unknown,
      transitGatewayRouteTableId: "tgw-rtb-spokes",
    });
    assoc.propertyDependencies.transitGatewayAttachmentId = [attachment];
    prop.propertyDependencies.transitGatewayAttachmentId = [attachment];
    expect(validate("dev", "no-route-between-environments", [attachment, assoc, prop])).toEqual([
      expect.stringMatching(/propagates the attachment into the route table it is associated with/),
    ]);
    prop.props = unknownCheckingProxy({
      transitGatewayAttachmentId: unknown,
      transitGatewayRouteTableId: "tgw-rtb-hub",
    });
    expect(validate("dev", "no-route-between-environments", [attachment, assoc, prop])).toEqual([]);
  });

  it("lets resource policies pass a key or a policy document that is not known yet, and still check what is", () => {
    const resourcePolicy = (name: string) =>
      platformPolicies(policyContext("prod")).find((p) => p.policy.name === name)!
        .policy as ResourceValidationPolicy;
    const check = (name: string, type: string, props: Record<string, unknown>) => {
      const messages: string[] = [];
      const validate = resourcePolicy(name).validateResource as ResourceValidation;
      validate(
        {
          type,
          name: "r",
          urn: `urn:pulumi:prod::platform::${type}::r`,
          props: unknownCheckingProxy(props),
          opts: {
            protect: true,
            ignoreChanges: [],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
          },
          stackTags: new Map(),
          isType: () => false,
          asType: () => undefined,
          getConfig: <T extends object>() => ({}) as T,
          notApplicable: () => {
            throw new Error("n/a");
          },
        },
        (m) => messages.push(m),
      );
      return messages;
    };
    const rds = { storageEncrypted: true, kmsKeyId: unknown, performanceInsightsKmsKeyId: unknown };
    expect(check("encrypted-with-stack-key", "aws:rds/instance:Instance", rds)).toEqual([]);
    expect(
      check("encrypted-with-stack-key", "aws:rds/instance:Instance", { ...rds, storageEncrypted: false }),
    ).toEqual(["encryption at rest is not enabled"]);
    expect(
      check("iam-no-data-plane-wildcard", "aws:iam/rolePolicy:RolePolicy", {
        role: unknown,
        policy: unknown,
      }),
    ).toEqual([]);
    const rule = {
      securityGroupId: unknown,
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    };
    expect(
      check("no-open-ingress", "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", rule),
    ).toEqual(["ingress from the internet on tcp 22-22"]);
    const table = {
      serverSideEncryption: { enabled: true, kmsKeyArn: unknown },
      pointInTimeRecovery: { enabled: true },
    };
    expect(check("encrypted-with-stack-key", "aws:dynamodb/table:Table", table)).toEqual([]);
  });

  it("checks NAT placement by dependency instead of failing on unknown ids", () => {
    const subnets = ["a", "b", "c"].map((z) =>
      resource("aws:ec2/subnet:Subnet", `public-${z}`, { id: unknown, availabilityZone: `eu-west-2${z}` }),
    );
    const nats = subnets.slice(0, 2).map((s, i) => {
      const nat = resource("aws:ec2/natGateway:NatGateway", `nat-${i}`, { id: unknown, subnetId: unknown });
      nat.propertyDependencies.subnetId = [s];
      return nat;
    });
    expect(validate("prod", "nat-gateway-per-az", [...subnets, ...nats])).toEqual([
      expect.stringMatching(/no NAT gateway in eu-west-2c/),
    ]);
  });
});

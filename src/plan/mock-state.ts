import type { MockResourceArgs } from "@pulumi/pulumi/runtime/mocks";

/**
 * What the offline plan pretends AWS answered when a resource is created: the inputs back,
 * plus the computed attributes (ids, ARNs, endpoints) that other resources consume. Values
 * are deterministic, so plans and tests are stable.
 */
export interface MockContext {
  readonly accountId: string;
  readonly region: string;
  /** Stack outputs served to `StackReference`s, by stack name. */
  readonly stackOutputs: Readonly<Record<string, Record<string, unknown>>>;
  /** Region of each AWS provider registered so far, by logical name (filled in as they register). */
  readonly providerRegions?: Map<string, string>;
  /**
   * The ids the organization's member accounts have, by their `Account` tag (`test`, `prod`, …):
   * those the environments' stack files name, so that what the management stack writes about a
   * member account (trusts, grants) meets what that environment's stack uses.
   */
  readonly memberAccountIds?: Readonly<Record<string, string>>;
}

type Inputs = Record<string, unknown>;

/** The CIDRs the offline plan's S3 and DynamoDB gateway endpoints report. */
export const MOCK_GATEWAY_CIDRS = {
  s3: ["198.18.0.0/19", "198.18.64.0/18"],
  dynamodb: ["198.18.128.0/20"],
} as const;
type StateFn = (name: string, inputs: Inputs, ctx: MockContext) => Inputs;

function hex(text: string, length: number): string {
  let out = "";
  for (let round = 0; out.length < length; round++) {
    let h = 2166136261 ^ round;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, length);
}

/** "aws:ec2/natGateway:NatGateway" → { service: "ec2", kind: "natGateway" }. */
function parseType(type: string): { service: string; kind: string } {
  const m = /^aws:([^/]+)\/([^:]+):/.exec(type);
  return { service: m?.[1] ?? "unknown", kind: m?.[2] ?? "unknown" };
}

const physical = (name: string, inputs: Inputs) =>
  typeof inputs.name === "string" ? inputs.name : `${name}-${hex(name, 7)}`;

/** A deterministic UUID-shaped id. */
const uuid = (seed: string) =>
  `${hex(seed, 8)}-${hex(`${seed}1`, 4)}-${hex(`${seed}2`, 4)}-${hex(`${seed}3`, 4)}-${hex(`${seed}4`, 12)}`;

/** Attribute overrides for types whose computed outputs other resources read. */
const STATE: Record<string, StateFn> = {
  "aws:ec2/eip:Eip": (name) => ({
    allocationId: `eipalloc-${hex(name, 17)}`,
    publicIp: `203.0.113.${parseInt(hex(name, 2), 16) % 250}`,
  }),
  "aws:iam/role:Role": (name, inputs, ctx) => {
    const roleName = physical(name, inputs);
    const path = typeof inputs.path === "string" ? inputs.path : "/";
    return {
      name: roleName,
      arn: `arn:aws:iam::${ctx.accountId}:role${path}${roleName}`,
      uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
    };
  },
  "aws:iam/policy:Policy": (name, inputs, ctx) => ({
    arn: `arn:aws:iam::${ctx.accountId}:policy/${physical(name, inputs)}`,
  }),
  "aws:kms/key:Key": (name, _inputs, ctx) => {
    const keyId = uuid(name);
    return { keyId, arn: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${keyId}` };
  },
  "aws:kms/alias:Alias": (_name, inputs, ctx) => ({
    arn: `arn:aws:kms:${ctx.region}:${ctx.accountId}:${String(inputs.name)}`,
  }),
  "aws:cloudwatch/logGroup:LogGroup": (name, inputs, ctx) => ({
    arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${physical(name, inputs)}`,
  }),
  "aws:s3/bucket:Bucket": (name, inputs) => {
    const bucket = typeof inputs.bucket === "string" ? inputs.bucket : `${name}-${hex(name, 7)}`;
    return {
      bucket,
      id: bucket,
      arn: `arn:aws:s3:::${bucket}`,
      bucketRegionalDomainName: `${bucket}.s3.eu-west-2.amazonaws.com`,
    };
  },
  "aws:sqs/queue:Queue": (name, inputs, ctx) => {
    const q = physical(name, inputs);
    return {
      arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${q}`,
      url: `https://sqs.${ctx.region}.amazonaws.com/${ctx.accountId}/${q}`,
    };
  },
  "aws:sns/topic:Topic": (name, inputs, ctx) => ({
    arn: `arn:aws:sns:${ctx.region}:${ctx.accountId}:${physical(name, inputs)}`,
  }),
  "aws:dynamodb/table:Table": (name, inputs, ctx) => ({
    arn: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${physical(name, inputs)}`,
    streamArn: `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${physical(name, inputs)}/stream/2026-01-01T00:00:00.000`,
  }),
  "aws:secretsmanager/secret:Secret": (name, inputs, ctx) => ({
    arn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:${physical(name, inputs)}-${hex(name, 6)}`,
  }),
  "aws:lambda/function:Function": (name, inputs, ctx) => ({
    arn: `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${physical(name, inputs)}`,
    invokeArn: `arn:aws:apigateway:${ctx.region}:lambda:path/functions/${physical(name, inputs)}/invocations`,
  }),
  "aws:ecr/repository:Repository": (name, inputs, ctx) => ({
    arn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${physical(name, inputs)}`,
    repositoryUrl: `${ctx.accountId}.dkr.ecr.${ctx.region}.amazonaws.com/${physical(name, inputs)}`,
  }),
  "aws:rds/instance:Instance": (name, inputs, ctx) => ({
    // RDS names an instance's ARN after its identifier.
    arn: `arn:aws:rds:${ctx.region}:${ctx.accountId}:db:${typeof inputs.identifier === "string" ? inputs.identifier : physical(name, inputs)}`,
    endpoint: `${physical(name, inputs)}.${hex(name, 12)}.${ctx.region}.rds.amazonaws.com:5432`,
    address: `${physical(name, inputs)}.${hex(name, 12)}.${ctx.region}.rds.amazonaws.com`,
    identifier: typeof inputs.identifier === "string" ? inputs.identifier : physical(name, inputs),
    resourceId: `db-${hex(name, 26).toUpperCase()}`,
    masterUserSecrets: [
      {
        secretArn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:rds!db-${hex(name, 8)}`,
        kmsKeyId: "",
        secretStatus: "active",
      },
    ],
  }),
  "aws:sesv2/emailIdentity:EmailIdentity": (name, inputs, ctx) => ({
    arn: `arn:aws:ses:${ctx.region}:${ctx.accountId}:identity/${String(inputs.emailIdentity)}`,
    dkimSigningAttributes: {
      ...((inputs.dkimSigningAttributes as Inputs | undefined) ?? {}),
      tokens: [1, 2, 3].map((i) => hex(`${name}${i}`, 32)),
    },
  }),
  "aws:opensearch/domain:Domain": (name, inputs, ctx) => ({
    arn: `arn:aws:es:${ctx.region}:${ctx.accountId}:domain/${physical(name, inputs)}`,
    endpoint: `vpc-${physical(name, inputs)}-${hex(name, 26)}.${ctx.region}.es.amazonaws.com`,
  }),
  "aws:organizations/organization:Organization": (name) => ({
    id: `o-${hex(name, 10)}`,
    arn: `arn:aws:organizations::318274619203:organization/o-${hex(name, 10)}`,
    roots: [
      {
        id: `r-${hex(name, 4)}`,
        arn: `arn:aws:organizations::318274619203:root/o-${hex(name, 10)}/r-${hex(name, 4)}`,
        name: "Root",
        policyTypes: [],
      },
    ],
    masterAccountId: "318274619203",
  }),
  "aws:organizations/account:Account": (name, inputs, ctx) => ({
    id:
      ctx.memberAccountIds?.[String((inputs.tags as Record<string, unknown> | undefined)?.Account)] ??
      String(100000000000 + (parseInt(hex(name, 8), 16) % 899999999999)),
  }),
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": (_name, inputs, ctx) => ({
    arn: `arn:aws:iam::${ctx.accountId}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`,
  }),
  "aws:organizations/organizationalUnit:OrganizationalUnit": (name) => ({
    id: `ou-${hex(name, 4)}-${hex(`${name}u`, 8)}`,
  }),
  "aws:organizations/policy:Policy": (name) => ({ id: `p-${hex(name, 8)}` }),
  "aws:ec2transitgateway/transitGateway:TransitGateway": (name, _inputs, ctx) => ({
    id: `tgw-${hex(name, 17)}`,
    arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:transit-gateway/tgw-${hex(name, 17)}`,
  }),
  "aws:ec2transitgateway/routeTable:RouteTable": (name) => ({ id: `tgw-rtb-${hex(name, 17)}` }),
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": (name, _inputs, ctx) => ({
    id: `tgw-attach-${hex(`${ctx.accountId}${name}`, 17)}`,
  }),
  "aws:ssoadmin/permissionSet:PermissionSet": (name) => ({
    arn: `arn:aws:sso:::permissionSet/ssoins-7223a2b1c4d5e6f7/ps-${hex(name, 16)}`,
  }),
  // Gateway endpoints route to the service's regional prefix list (benchmark ranges stand in for it).
  "aws:ec2/vpcEndpoint:VpcEndpoint": (name, inputs) =>
    inputs.vpcEndpointType === "Gateway"
      ? {
          prefixListId: `pl-${hex(name, 8)}`,
          cidrBlocks: [
            ...(String(inputs.serviceName).endsWith(".s3")
              ? MOCK_GATEWAY_CIDRS.s3
              : MOCK_GATEWAY_CIDRS.dynamodb),
          ],
        }
      : {},
  "datadog:index/monitor:Monitor": (name) => ({
    id: String(1_000_000 + (parseInt(hex(name, 6), 16) % 9_000_000)),
  }),
  "datadog:aws/integrationExternalId:IntegrationExternalId": (name) => ({ id: hex(name, 32) }),
  "aws:ec2/launchTemplate:LaunchTemplate": (name) => ({ id: `lt-${hex(name, 17)}`, latestVersion: 1 }),
  "aws:ram/resourceShare:ResourceShare": (name, _inputs, ctx) => ({
    arn: `arn:aws:ram:${ctx.region}:${ctx.accountId}:resource-share/${hex(name, 8)}-${hex(`${name}r`, 4)}`,
  }),
  "aws:acm/certificate:Certificate": (name, inputs, ctx) => {
    const names = [inputs.domainName, ...((inputs.subjectAlternativeNames as unknown[] | undefined) ?? [])];
    return {
      arn: `arn:aws:acm:${ctx.region}:${ctx.accountId}:certificate/${uuid(name)}`,
      domainValidationOptions: names.map((d) => ({
        domainName: String(d),
        resourceRecordName: `_${hex(`${name}${String(d)}`, 32)}.${String(d)}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${hex(`${String(d)}${name}`, 32)}.mhbtsbpdnt.acm-validations.aws.`,
      })),
    };
  },
  "aws:route53/record:Record": (_name, inputs) => ({ fqdn: String(inputs.name).replace(/\.$/, "") }),
  "aws:wafv2/webAcl:WebAcl": (name, inputs, ctx) => {
    const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
    return {
      id: uuid(name),
      arn: `arn:aws:wafv2:${ctx.region}:${ctx.accountId}:${scope}/webacl/${physical(name, inputs)}/${uuid(name)}`,
    };
  },
  "aws:cloudfront/distribution:Distribution": (name, _inputs, ctx) => {
    const id = `E${hex(name, 13).toUpperCase()}`;
    return {
      id,
      arn: `arn:aws:cloudfront::${ctx.accountId}:distribution/${id}`,
      domainName: `d${hex(`${name}d`, 13)}.cloudfront.net`,
      // Route 53's fixed zone for every CloudFront alias target.
      hostedZoneId: "Z2FDTNDATAQYW2",
    };
  },
  "aws:cloudfront/originAccessControl:OriginAccessControl": (name) => ({
    id: `E${hex(name, 13).toUpperCase()}`,
  }),
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": (name) => ({ id: uuid(name) }),
  "random:index/randomPassword:RandomPassword": (name, inputs) => ({
    result: hex(name, Number(inputs.length ?? 16)),
  }),
  "tailscale:index/tailnetKey:TailnetKey": (name) => ({
    key: `tskey-auth-${hex(name, 12)}-${hex(`${name}k`, 24)}`,
  }),
  "tailscale:index/oauthClient:OauthClient": (name) => ({
    id: `k${hex(name, 12)}CNTRL`,
    key: `tskey-client-${hex(name, 12)}-${hex(`${name}s`, 24)}`,
  }),
  "github:index/repositoryRuleset:RepositoryRuleset": (name) => ({
    id: String(parseInt(hex(name, 6), 16)),
    rulesetId: parseInt(hex(name, 6), 16),
  }),
  // A LoadBalancer Service gets its load balancer's name from the AWS Load Balancer Controller.
  "kubernetes:core/v1:Service": (name, inputs, ctx) =>
    (inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"
      ? {
          status: {
            loadBalancer: {
              ingress: [
                { hostname: `k8s-${hex(name, 8)}-${hex(`${name}lb`, 10)}.elb.${ctx.region}.amazonaws.com` },
              ],
            },
          },
        }
      : {},
  "eks:index:Cluster": (name, _inputs, ctx) => {
    // Each account's cluster has its own endpoint (the management stack reaches the others').
    const id = hex(`${ctx.accountId}/${name}`, 32).toUpperCase();
    return {
      kubeconfig: {
        apiVersion: "v1",
        kind: "Config",
        clusters: [
          {
            name,
            cluster: {
              server: `https://${id}.gr7.${ctx.region}.eks.amazonaws.com`,
              // A placeholder PEM, base64 like the real one.
              "certificate-authority-data": Buffer.from(
                `-----BEGIN CERTIFICATE-----\n${hex(`${name}ca`, 64)}\n-----END CERTIFICATE-----\n`,
              ).toString("base64"),
            },
          },
        ],
      },
      kubeconfigJson: "{}",
      clusterSecurityGroupId: `sg-${hex(`${name}c`, 17)}`,
      nodeSecurityGroupId: `sg-${hex(`${name}n`, 17)}`,
      oidcProviderArn: `arn:aws:iam::${ctx.accountId}:oidc-provider/oidc.eks.${ctx.region}.amazonaws.com/id/${id}`,
      oidcProviderUrl: `oidc.eks.${ctx.region}.amazonaws.com/id/${id}`,
      oidcIssuer: `oidc.eks.${ctx.region}.amazonaws.com/id/${id}`,
    };
  },
};

/** The mock's answer for one resource registration. */
export function mockResource(args: MockResourceArgs, stackCtx: MockContext): { id: string; state: Inputs } {
  const inputs = (args.inputs ?? {}) as Inputs;
  if (args.type === "pulumi:pulumi:StackReference") {
    const ref = String(inputs.name ?? args.name);
    const stack = ref.split("/").pop() ?? ref;
    return {
      id: ref,
      state: { name: ref, outputs: stackCtx.stackOutputs[stack] ?? {}, secretOutputNames: [] },
    };
  }
  if (args.type === "pulumi:providers:aws" && typeof inputs.region === "string") {
    stackCtx.providerRegions?.set(args.name, inputs.region);
  }
  // Resources report the region of the provider that manages them (e.g. us-east-1 for CloudFront's).
  const providerName = args.provider?.split("::")[3];
  const region = (providerName && stackCtx.providerRegions?.get(providerName)) || stackCtx.region;
  const ctx: MockContext = { ...stackCtx, region };
  const { service, kind } = parseType(args.type);
  const generic: Inputs = {
    arn: `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${kind.toLowerCase()}/${physical(args.name, inputs)}`,
  };
  const extra = STATE[args.type]?.(args.name, inputs, ctx) ?? {};
  const state: Inputs = { ...generic, ...inputs, ...extra };
  const id = typeof extra.id === "string" ? extra.id : `${args.name}-${hex(args.type + args.name, 8)}`;
  return { id, state };
}

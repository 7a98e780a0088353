import type { PlannedResource, PlanResult } from "./engine";
import { PRICE_TABLE, type PriceTable } from "./price-table";

/**
 * The fixed monthly cost of a stack, from its offline evaluation and the price table: what is
 * billed by the hour or the month whether or not anything uses it (NAT gateways, public IPv4
 * addresses, control planes, node groups at their desired size, databases and search domains with
 * their storage, interface endpoints per AZ, attachments, keys, secrets, web ACLs, alarms).
 * Everything billed by use is listed, not priced. Every resource type the program creates is
 * classified in PRICING; a test fails when one is not.
 */

export interface CostLine {
  readonly component: string;
  readonly type: string;
  readonly name: string;
  /** What is billed, e.g. "NAT gateway-hours", "db.r6g.xlarge Multi-AZ". */
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly monthly: number;
}

export interface CostReport {
  readonly stack: string;
  readonly region: string;
  readonly currency: string;
  /** The price table's date. */
  readonly date: string;
  readonly lines: CostLine[];
  /** Fixed monthly cost per top-level component. */
  readonly byComponent: Record<string, number>;
  readonly total: number;
  /** Billed by use, not priced here: what and how many resources. */
  readonly usageBased: { readonly what: string; readonly resources: number }[];
  /** Billable resources the table has no price for (e.g. an instance type not in it). */
  readonly unpriced: { readonly type: string; readonly name: string; readonly reason: string }[];
}

type Props = Record<string, unknown>;
type Lookup = (predicate: (r: PlannedResource) => boolean) => PlannedResource | undefined;
type Pricer = (
  r: PlannedResource,
  t: PriceTable,
  find: Lookup,
) => Omit<CostLine, "component" | "type" | "name">[] | string;

export type Pricing =
  | { readonly kind: "fixed"; readonly price: Pricer }
  | { readonly kind: "usage"; readonly what: string }
  | { readonly kind: "free" };

const fixed = (price: Pricer): Pricing => ({ kind: "fixed", price });
const usage = (what: string): Pricing => ({ kind: "usage", what });
const FREE: Pricing = { kind: "free" };

const obj = (v: unknown): Props => (v !== null && typeof v === "object" ? (v as Props) : {});
const round = (n: number) => Math.round(n * 100) / 100;

function hours(item: string, unitPrice: number, quantity: number, t: PriceTable) {
  return {
    item,
    quantity,
    unit: "month",
    unitPrice: round(unitPrice * t.hoursPerMonth),
    monthly: quantity * unitPrice * t.hoursPerMonth,
  };
}

function month(item: string, unitPrice: number, quantity: number, unit = "month") {
  return { item, quantity, unit, unitPrice, monthly: quantity * unitPrice };
}

function ec2Price(type: unknown, t: PriceTable): number | string {
  const price = typeof type === "string" ? t.ec2[type] : undefined;
  return price ?? `no EC2 price for ${String(type)} in the price table`;
}

/** The launch template's root volume size (GiB) and instance type. */
function template(lt: PlannedResource | undefined): { volume: number; instanceType?: unknown } {
  const mapping = obj((lt?.inputs.blockDeviceMappings as unknown[] | undefined)?.[0]);
  return { volume: Number(obj(mapping.ebs).volumeSize ?? 0), instanceType: lt?.inputs.instanceType };
}

/**
 * How each resource type is billed. Add the type here when the program starts creating it: a
 * fixed price, "usage" (billed by requests, data or elastic capacity) or free.
 */
export const PRICING: Readonly<Record<string, Pricing>> = {
  // ── network ──
  "aws:ec2/natGateway:NatGateway": fixed((_r, t) => [hours("NAT gateway", t.hourly.natGateway, 1, t)]),
  "aws:ec2/eip:Eip": fixed((_r, t) => [hours("public IPv4 address", t.hourly.publicIpv4, 1, t)]),
  "aws:ec2/vpcEndpoint:VpcEndpoint": fixed((r, t) => {
    if (r.inputs.vpcEndpointType !== "Interface") return [];
    const azs = (r.inputs.subnetIds as unknown[] | undefined)?.length ?? 1;
    return [
      hours(
        `interface endpoint ${String(r.inputs.serviceName ?? "")
          .split(".")
          .pop()}, per AZ`,
        t.hourly.interfaceEndpointPerAz,
        azs,
        t,
      ),
    ];
  }),
  "aws:ec2transitgateway/vpcAttachment:VpcAttachment": fixed((_r, t) => [
    hours("Transit Gateway attachment", t.hourly.transitGatewayAttachment, 1, t),
  ]),
  "aws:ec2/vpc:Vpc": FREE,
  "aws:ec2/subnet:Subnet": FREE,
  "aws:ec2/internetGateway:InternetGateway": FREE,
  "aws:ec2/routeTable:RouteTable": FREE,
  "aws:ec2/route:Route": FREE,
  "aws:ec2/routeTableAssociation:RouteTableAssociation": FREE,
  "aws:ec2/securityGroup:SecurityGroup": FREE,
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": FREE,
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": FREE,
  "aws:ec2/tag:Tag": FREE,
  "aws:ec2/flowLog:FlowLog": usage("VPC flow logs (log ingestion and storage)"),
  "aws:ec2transitgateway/transitGateway:TransitGateway": usage(
    "Transit Gateway data processing (attachments are priced)",
  ),
  "aws:ec2transitgateway/routeTable:RouteTable": FREE,
  "aws:ec2transitgateway/route:Route": FREE,
  "aws:ec2transitgateway/routeTableAssociation:RouteTableAssociation": FREE,
  "aws:ec2transitgateway/routeTablePropagation:RouteTablePropagation": FREE,
  "aws:ram/resourceShare:ResourceShare": FREE,
  "aws:ram/resourceAssociation:ResourceAssociation": FREE,
  "aws:ram/principalAssociation:PrincipalAssociation": FREE,
  "aws:ram/sharingWithOrganization:SharingWithOrganization": FREE,
  // ── compute ──
  "eks:index:Cluster": fixed((_r, t) => [hours("EKS control plane", t.hourly.eksCluster, 1, t)]),
  "aws:eks/cluster:Cluster": fixed((_r, t) => [hours("EKS control plane", t.hourly.eksCluster, 1, t)]),
  "aws:eks/nodeGroup:NodeGroup": fixed((r, t, find) => {
    const size = Number(obj(r.inputs.scalingConfig).desiredSize ?? 0);
    const type = (r.inputs.instanceTypes as unknown[] | undefined)?.[0];
    const price = ec2Price(type, t);
    if (typeof price === "string") return price;
    const lt = find(
      (x) => x.type === "aws:ec2/launchTemplate:LaunchTemplate" && x.inputs.name === r.inputs.nodeGroupName,
    );
    const volume = template(lt).volume || Number(r.inputs.diskSize ?? 20);
    return [
      hours(`${String(type)} nodes (desired size)`, price, size, t),
      month("gp3 root volumes", t.ebsGp3PerGbMonth, size * volume, "GB-month"),
    ];
  }),
  "aws:autoscaling/group:Group": fixed((r, t, find) => {
    const size = Number(r.inputs.desiredCapacity ?? r.inputs.minSize ?? 0);
    const lt = find(
      (x) =>
        x.type === "aws:ec2/launchTemplate:LaunchTemplate" &&
        x.components.join("/") === r.components.join("/"),
    );
    const { volume, instanceType } = template(lt);
    const price = ec2Price(instanceType, t);
    if (typeof price === "string") return price;
    return [
      hours(`${String(instanceType)} instances (desired capacity)`, price, size, t),
      month("gp3 root volumes", t.ebsGp3PerGbMonth, size * volume, "GB-month"),
    ];
  }),
  "aws:ec2/launchTemplate:LaunchTemplate": FREE,
  "aws:eks/addon:Addon": FREE,
  "aws:eks/accessEntry:AccessEntry": FREE,
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": FREE,
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": FREE,
  "kubernetes:karpenter.sh/v1:NodePool": usage(
    "Karpenter's workload nodes (elastic capacity, spot and on-demand)",
  ),
  "aws:lambda/function:Function": usage("Lambda requests and duration"),
  "aws:lambda/eventSourceMapping:EventSourceMapping": FREE,
  // ── data ──
  "aws:rds/instance:Instance": fixed((r, t, find) => {
    const cls = String(r.inputs.instanceClass);
    const hourly = t.rds.postgresHourly[cls];
    if (hourly === undefined) return `no RDS price for ${cls} in the price table`;
    const copies = r.inputs.multiAz === true ? 2 : 1;
    const source = r.inputs.replicateSourceDb;
    const primary = source ? find((x) => x.type === r.type && x.inputs.identifier === source) : undefined;
    const storage = Number(r.inputs.allocatedStorage ?? primary?.inputs.allocatedStorage ?? 0);
    const az = copies === 2 ? " Multi-AZ" : "";
    return [
      hours(`${cls}${az}${source ? " read replica" : ""}`, hourly * copies, 1, t),
      month(`gp3 storage${az}`, t.rds.gp3PerGbMonth * copies, storage, "GB-month"),
    ];
  }),
  "aws:rds/parameterGroup:ParameterGroup": FREE,
  "aws:rds/subnetGroup:SubnetGroup": FREE,
  "aws:opensearch/domain:Domain": fixed((r, t) => {
    const cluster = obj(r.inputs.clusterConfig);
    const dataType = String(cluster.instanceType);
    const dataCount = Number(cluster.instanceCount ?? 1);
    const dataPrice = t.openSearch.hourly[dataType];
    if (dataPrice === undefined) return `no OpenSearch price for ${dataType} in the price table`;
    const lines = [hours(`${dataType} data nodes`, dataPrice, dataCount, t)];
    if (cluster.dedicatedMasterEnabled === true) {
      const masterType = String(cluster.dedicatedMasterType);
      const masterPrice = t.openSearch.hourly[masterType];
      if (masterPrice === undefined) return `no OpenSearch price for ${masterType} in the price table`;
      lines.push(
        hours(`${masterType} dedicated masters`, masterPrice, Number(cluster.dedicatedMasterCount ?? 3), t),
      );
    }
    const volume = Number(obj(r.inputs.ebsOptions).volumeSize ?? 0);
    lines.push(month("gp3 volumes", t.openSearch.gp3PerGbMonth, volume * dataCount, "GB-month"));
    return lines;
  }),
  "aws:opensearch/domainPolicy:DomainPolicy": FREE,
  "aws:dynamodb/table:Table": usage("DynamoDB on-demand requests, storage and backups"),
  "aws:s3/bucket:Bucket": usage("S3 storage and requests"),
  "aws:s3/bucketPolicy:BucketPolicy": FREE,
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": FREE,
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": FREE,
  "aws:s3/bucketVersioning:BucketVersioning": FREE,
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": FREE,
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": FREE,
  "aws:s3/bucketNotification:BucketNotification": FREE,
  "aws:sqs/queue:Queue": usage("SQS requests"),
  "aws:sqs/queuePolicy:QueuePolicy": FREE,
  "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": FREE,
  "aws:sns/topic:Topic": usage("SNS publishes and deliveries"),
  "aws:sns/topicPolicy:TopicPolicy": FREE,
  "aws:sns/topicSubscription:TopicSubscription": FREE,
  "aws:sesv2/emailIdentity:EmailIdentity": usage("SES messages sent"),
  "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes": FREE,
  "aws:sesv2/configurationSet:ConfigurationSet": FREE,
  "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination": FREE,
  // ── security and governance ──
  "aws:kms/key:Key": fixed((_r, t) => [month("KMS key", t.monthly.kmsKey, 1)]),
  "aws:kms/alias:Alias": FREE,
  "aws:secretsmanager/secret:Secret": fixed((_r, t) => [month("secret", t.monthly.secret, 1)]),
  "aws:secretsmanager/secretVersion:SecretVersion": FREE,
  "aws:iam/role:Role": FREE,
  "aws:iam/rolePolicy:RolePolicy": FREE,
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": FREE,
  "aws:iam/policy:Policy": FREE,
  "aws:iam/instanceProfile:InstanceProfile": FREE,
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": FREE,
  "aws:organizations/organization:Organization": FREE,
  "aws:organizations/organizationalUnit:OrganizationalUnit": FREE,
  "aws:organizations/account:Account": FREE,
  "aws:organizations/policy:Policy": FREE,
  "aws:organizations/policyAttachment:PolicyAttachment": FREE,
  "aws:ssoadmin/permissionSet:PermissionSet": FREE,
  "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment": FREE,
  "aws:ssoadmin/accountAssignment:AccountAssignment": FREE,
  "aws:cloudtrail/trail:Trail": usage("CloudTrail data events and the trail's S3 and log storage"),
  "aws:ecr/repository:Repository": usage("ECR image storage"),
  "aws:ecr/repositoryPolicy:RepositoryPolicy": FREE,
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": FREE,
  // ── detective controls, recovery, cost controls (issue 13) ──
  "aws:ec2/networkAcl:NetworkAcl": FREE,
  "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock": FREE,
  "aws:s3/bucketLogging:BucketLogging": usage("S3 server access logs (storage of the log objects)"),
  "aws:cloudwatch/eventBusPolicy:EventBusPolicy": FREE,
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": usage(
    "the custom metrics metric filters publish (per metric while it has data)",
  ),
  "aws:guardduty/detector:Detector": usage(
    "GuardDuty: events and logs analysed, S3/EKS/RDS/Lambda and runtime protection",
  ),
  "aws:guardduty/detectorFeature:DetectorFeature": FREE,
  "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount": FREE,
  "aws:guardduty/organizationConfiguration:OrganizationConfiguration": FREE,
  "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature": FREE,
  "aws:securityhub/account:Account": usage("Security Hub: security checks run and findings ingested"),
  "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount": FREE,
  "aws:securityhub/findingAggregator:FindingAggregator": FREE,
  "aws:securityhub/organizationConfiguration:OrganizationConfiguration": FREE,
  "aws:securityhub/configurationPolicy:ConfigurationPolicy": FREE,
  "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation": FREE,
  "aws:organizations/delegatedAdministrator:DelegatedAdministrator": FREE,
  "aws:cfg/recorder:Recorder": usage("AWS Config: configuration items recorded and rule evaluations"),
  "aws:cfg/deliveryChannel:DeliveryChannel": FREE,
  "aws:cfg/recorderStatus:RecorderStatus": FREE,
  "aws:cfg/configurationAggregator:ConfigurationAggregator": FREE,
  // External access analysis is free; unused-access analysis bills per IAM role and user analysed.
  "aws:accessanalyzer/analyzer:Analyzer": usage(
    "IAM Access Analyzer unused-access analysis (per role and user)",
  ),
  // Budgets without actions cost nothing; anomaly detection is free.
  "aws:budgets/budget:Budget": FREE,
  "aws:costexplorer/anomalyMonitor:AnomalyMonitor": FREE,
  "aws:costexplorer/anomalySubscription:AnomalySubscription": FREE,
  "aws:backup/vault:Vault": usage("AWS Backup: recovery point storage and cross-region copy transfer"),
  "aws:backup/vaultLockConfiguration:VaultLockConfiguration": FREE,
  "aws:backup/plan:Plan": FREE,
  "aws:backup/selection:Selection": FREE,
  "aws:backup/regionSettings:RegionSettings": FREE,
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": usage(
    "replicated RDS automated backups: storage and cross-region transfer",
  ),
  // ── edge logs (issue 12) ──
  "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": FREE,
  "aws:cloudwatch/logDeliverySource:LogDeliverySource": FREE,
  "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": FREE,
  "aws:cloudwatch/logDelivery:LogDelivery": usage(
    "CloudFront standard logs delivered to CloudWatch Logs (per GB)",
  ),
  // ── observability ──
  "aws:cloudwatch/logGroup:LogGroup": usage("CloudWatch Logs ingestion and storage"),
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": FREE,
  "aws:cloudwatch/metricAlarm:MetricAlarm": fixed((r, t) => {
    const metrics = (r.inputs.metricQueries as unknown[] | undefined)?.filter(
      (q) => obj(q).metric !== undefined,
    ).length;
    return [month("alarm metrics", t.monthly.alarmPerMetric, metrics || 1, "metric-month")];
  }),
  "aws:cloudwatch/eventRule:EventRule": usage("EventBridge custom events (AWS service events are free)"),
  "aws:cloudwatch/eventTarget:EventTarget": FREE,
  // ── edge ──
  "aws:cloudfront/distribution:Distribution": usage("CloudFront requests and data transfer"),
  "aws:cloudfront/originAccessControl:OriginAccessControl": FREE,
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": FREE,
  "aws:wafv2/webAcl:WebAcl": fixed((r, t) => {
    const rules = (r.inputs.rules as unknown[] | undefined)?.length ?? 0;
    return [
      month("WAF web ACL", t.monthly.wafWebAcl, 1),
      month("WAF rules", t.monthly.wafRule, rules, "rule-month"),
    ];
  }),
  "aws:acm/certificate:Certificate": FREE,
  "aws:acm/certificateValidation:CertificateValidation": FREE,
  "aws:route53/zone:Zone": fixed((_r, t) => [month("hosted zone", t.monthly.hostedZone, 1)]),
  "aws:route53/record:Record": usage("Route 53 queries"),
};

/** Namespaces that never bill by themselves (Kubernetes objects run on the priced nodes). */
/**
 * Types that cost nothing on the AWS bill: Pulumi's own, components, Kubernetes objects (their pods
 * run on nodes priced above), and the configuration of services billed by their own subscription
 * rather than per resource (the tailnet's policy and keys; the repository's rules and environments;
 * Datadog's monitors, SLO and AWS integration: Datadog bills per host and per ingested span).
 */
const FREE_PREFIXES = ["pulumi:", "random:", "platform:", "kubernetes:", "tailscale:", "github:", "datadog:"];

export function pricingOf(type: string): Pricing | undefined {
  return PRICING[type] ?? (FREE_PREFIXES.some((p) => type.startsWith(p)) ? FREE : undefined);
}

export function estimateCost(plan: PlanResult, table: PriceTable = PRICE_TABLE): CostReport {
  const lines: CostLine[] = [];
  const usageCounts = new Map<string, number>();
  const unpriced: CostReport["unpriced"][number][] = [];
  const find: Lookup = (predicate) => plan.resources.find(predicate);
  for (const r of plan.resources) {
    const pricing = pricingOf(r.type);
    if (!pricing) {
      unpriced.push({
        type: r.type,
        name: r.name,
        reason: "the type is not classified in PRICING (src/plan/cost.ts)",
      });
      continue;
    }
    if (pricing.kind === "usage") usageCounts.set(pricing.what, (usageCounts.get(pricing.what) ?? 0) + 1);
    if (pricing.kind !== "fixed") continue;
    const priced = pricing.price(r, table, find);
    if (typeof priced === "string") {
      unpriced.push({ type: r.type, name: r.name, reason: priced });
      continue;
    }
    const component = r.components[0] ?? "(stack)";
    for (const l of priced)
      lines.push({ component, type: r.type, name: r.name, ...l, monthly: round(l.monthly) });
  }
  const byComponent: Record<string, number> = {};
  for (const l of lines) byComponent[l.component] = round((byComponent[l.component] ?? 0) + l.monthly);
  return {
    stack: plan.stack,
    region: table.region,
    currency: table.currency,
    date: table.date,
    lines,
    byComponent,
    total: round(lines.reduce((n, l) => n + l.monthly, 0)),
    usageBased: [...usageCounts]
      .map(([what, resources]) => ({ what, resources }))
      .sort((a, b) => a.what.localeCompare(b.what)),
    unpriced,
  };
}

/** Charges no resource of the program carries, named with every estimate so nobody reads the total as the bill. */
const OUTSIDE_THE_PROGRAM = [
  "data transfer (internet egress, cross-AZ), NAT gateway and interface endpoint data processing",
  "the load balancers the AWS Load Balancer Controller creates from the chart's Ingresses (hourly and LCU)",
];

const money = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signed = (n: number) => (n > 0 ? `+${money(n)}` : n < 0 ? `-${money(-n)}` : money(0));

function tableNote(c: CostReport): string {
  return `${c.currency}, on-demand list prices for ${c.region}, price table of ${c.date} (src/plan/price-table.ts)`;
}

export function renderCostText(c: CostReport): string {
  const out = [`Fixed monthly cost of stack "${c.stack}": ${money(c.total)} (${tableNote(c)})`, ""];
  const components = Object.entries(c.byComponent).sort(([, a], [, b]) => b - a);
  for (const [component, total] of components) {
    out.push(`${component.padEnd(28)}${money(total).padStart(12)}`);
    // The same item at the same price once, with its quantities added up.
    const items = new Map<string, { l: CostLine; quantity: number; monthly: number }>();
    for (const l of c.lines.filter((x) => x.component === component)) {
      const key = `${l.item}|${l.unit}|${l.unitPrice}`;
      const seen = items.get(key) ?? { l, quantity: 0, monthly: 0 };
      items.set(key, { l, quantity: seen.quantity + l.quantity, monthly: seen.monthly + l.monthly });
    }
    for (const { l, quantity, monthly } of items.values()) {
      out.push(
        `  ${l.item}: ${quantity} × ${money(l.unitPrice)}/${l.unit}`.padEnd(78) +
          money(round(monthly)).padStart(12),
      );
    }
  }
  out.push("", `${"total".padEnd(28)}${money(c.total).padStart(12)} per month`);
  if (c.usageBased.length > 0) {
    out.push("", "Not priced (billed by use):");
    for (const u of c.usageBased)
      out.push(`  - ${u.what} (${u.resources} resource${u.resources === 1 ? "" : "s"})`);
  }
  for (const note of OUTSIDE_THE_PROGRAM) out.push(`  - ${note}`);
  if (c.unpriced.length > 0) {
    out.push("", "NOT IN THE PRICE TABLE (the total is too low):");
    for (const u of c.unpriced) out.push(`  - ${u.type} ${u.name}: ${u.reason}`);
  }
  return `${out.join("\n")}\n`;
}

export function renderCostMarkdown(c: CostReport): string {
  const out = [
    `**Fixed monthly cost: ${money(c.total)}** (${tableNote(c)})`,
    "",
    "| component | monthly |",
    "| --- | ---: |",
    ...Object.entries(c.byComponent)
      .sort(([, a], [, b]) => b - a)
      .map(([k, v]) => `| ${k} | ${money(v)} |`),
    "",
    `Not priced (billed by use): ${[...c.usageBased.map((u) => u.what), ...OUTSIDE_THE_PROGRAM].join("; ")}.`,
  ];
  if (c.unpriced.length > 0) {
    out.push(
      "",
      `> [!WARNING]\n> Not in the price table: ${c.unpriced.map((u) => `\`${u.type}\` ${u.name} (${u.reason})`).join(", ")}`,
    );
  }
  return `${out.join("\n")}\n`;
}

/** The change of the fixed monthly cost between two evaluations, per component. */
export function costChange(before: CostReport, after: CostReport) {
  const components = [
    ...new Set([...Object.keys(before.byComponent), ...Object.keys(after.byComponent)]),
  ].sort();
  return {
    before: before.total,
    after: after.total,
    delta: round(after.total - before.total),
    components: components
      .map((k) => ({
        component: k,
        before: before.byComponent[k] ?? 0,
        after: after.byComponent[k] ?? 0,
        delta: round((after.byComponent[k] ?? 0) - (before.byComponent[k] ?? 0)),
      }))
      .filter((x) => x.delta !== 0),
    date: after.date,
  };
}

export type CostChange = ReturnType<typeof costChange>;

export function renderCostChange(ch: CostChange, markdown: boolean): string {
  const head = `Fixed monthly cost: ${money(ch.before)} → ${money(ch.after)} (${signed(ch.delta)}), price table of ${ch.date}`;
  if (ch.components.length === 0) return `${markdown ? `**${head}**` : head}\n`;
  if (!markdown)
    return `${head}\n${ch.components.map((c) => `  ${c.component}: ${signed(c.delta)}`).join("\n")}\n`;
  return [
    `**${head}**`,
    "",
    "| component | before | after | change |",
    "| --- | ---: | ---: | ---: |",
    ...ch.components.map(
      (c) => `| ${c.component} | ${money(c.before)} | ${money(c.after)} | ${signed(c.delta)} |`,
    ),
    "",
  ].join("\n");
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { policy, toJson } from "../core/policy-document";
import { searchAccessPolicy, searchMasterTrust } from "./workload-policies";

/** TLS 1.2 minimum with perfect forward secrecy ciphers only. */
export const SEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

export interface SearchArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** The roles that administer the domain (deploy role, platform admins): the master role's only trustees. */
  readonly administratorArns: readonly string[];
  readonly domainName: string;
  readonly domainArn: string;
  readonly engineVersion: string;
  readonly vpcId: pulumi.Input<string>;
  /** Data subnets, one per AZ; the domain uses as many as its zone awareness needs. */
  readonly subnetIds: pulumi.Input<string>[];
  readonly clientSecurityGroupIds: pulumi.Input<string>[];
  readonly keyArn: pulumi.Input<string>;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly availabilityZoneCount: 1 | 2 | 3;
  readonly dedicatedMasterType: string | undefined;
  readonly volumeSizeGiB: number;
  readonly logGroupNames: {
    readonly indexSlow: string;
    readonly searchSlow: string;
    readonly application: string;
  };
  readonly logRetentionDays: number;
  readonly protect: boolean;
}

/**
 * The OpenSearch domain payments are indexed in: inside the VPC's data subnets, encrypted at
 * rest with the data key and between nodes, HTTPS only, fine-grained access control with an
 * IAM master role, slow and error logs. Its access policy is `SearchAccess`, created once the
 * workload roles exist (the worker needs the domain's endpoint first).
 */
export class Search extends pulumi.ComponentResource {
  readonly endpoint: pulumi.Output<string>;
  readonly domainArn: pulumi.Output<string>;
  readonly masterRoleArn: pulumi.Output<string>;
  readonly domainName: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: SearchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Search", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };

    const sg = new aws.ec2.SecurityGroup(
      "search-sg",
      {
        vpcId: args.vpcId,
        description: "Payments OpenSearch: HTTPS from the cluster's workloads and the worker only",
        tags: nameTag(naming, "payments-search"),
      },
      parent,
    );
    args.clientSecurityGroupIds.forEach((source, i) => {
      new aws.vpc.SecurityGroupIngressRule(
        `search-from-client-${i + 1}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: source,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS from an allowed client group",
          tags: nameTag(naming, "payments-search-client", `${i + 1}`),
        },
        parent,
      );
    });
    this.securityGroupId = sg.id;

    const masterRole = new aws.iam.Role(
      "search-master-role",
      {
        name: physicalName(naming, "search-master"),
        description: "OpenSearch fine-grained access control master user (maps roles inside the domain)",
        assumeRolePolicy: toJson(
          searchMasterTrust({ accountId: args.accountId, administratorArns: args.administratorArns }),
        ),
        tags: nameTag(naming, "search-master"),
      },
      parent,
    );
    this.masterRoleArn = masterRole.arn;

    const logTypes = [
      ["INDEX_SLOW_LOGS", args.logGroupNames.indexSlow, "index-slow"],
      ["SEARCH_SLOW_LOGS", args.logGroupNames.searchSlow, "search-slow"],
      ["ES_APPLICATION_LOGS", args.logGroupNames.application, "application"],
    ] as const;
    const logGroups = logTypes.map(
      ([logType, groupName, id]) =>
        [
          logType,
          new aws.cloudwatch.LogGroup(
            `search-logs-${id}`,
            {
              name: groupName,
              retentionInDays: args.logRetentionDays,
              kmsKeyId: args.keyArn,
              tags: nameTag(naming, "search-logs", id),
            },
            parent,
          ),
        ] as const,
    );
    const logPolicy = new aws.cloudwatch.LogResourcePolicy(
      "search-log-delivery",
      {
        policyName: physicalName(naming, "opensearch-logs"),
        policyDocument: pulumi.all(logGroups.map(([, g]) => g.arn)).apply((groupArns) =>
          toJson(
            policy({
              Sid: "OpenSearchWritesItsLogGroups",
              Effect: "Allow",
              Principal: { Service: "es.amazonaws.com" },
              Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
              Resource: groupArns.map((a) => `${a}:*`),
              Condition: {
                StringEquals: { "aws:SourceAccount": args.accountId },
                ArnLike: { "aws:SourceArn": args.domainArn },
              },
            }),
          ),
        ),
      },
      parent,
    );

    const zoneAware = args.availabilityZoneCount > 1;
    const dedicated = args.dedicatedMasterType !== undefined;
    const domain = new aws.opensearch.Domain(
      "search",
      {
        domainName: args.domainName,
        engineVersion: args.engineVersion,
        clusterConfig: {
          instanceType: args.instanceType,
          instanceCount: args.instanceCount,
          zoneAwarenessEnabled: zoneAware,
          zoneAwarenessConfig: zoneAware ? { availabilityZoneCount: args.availabilityZoneCount } : undefined,
          dedicatedMasterEnabled: dedicated,
          dedicatedMasterType: args.dedicatedMasterType,
          dedicatedMasterCount: dedicated ? 3 : undefined,
        },
        vpcOptions: {
          subnetIds: args.subnetIds.slice(0, args.availabilityZoneCount),
          securityGroupIds: [sg.id],
        },
        ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: args.volumeSizeGiB },
        encryptAtRest: { enabled: true, kmsKeyId: args.keyArn },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: SEARCH_TLS_POLICY },
        advancedSecurityOptions: {
          enabled: true,
          internalUserDatabaseEnabled: false,
          masterUserOptions: { masterUserArn: masterRole.arn },
        },
        logPublishingOptions: logGroups.map(([logType, g]) => ({
          logType,
          cloudwatchLogGroupArn: g.arn,
          enabled: true,
        })),
        tags: nameTag(naming, "payments-search"),
      },
      { parent: this, protect: args.protect, dependsOn: [logPolicy] },
    );
    this.endpoint = domain.endpoint;
    this.domainArn = domain.arn;
    this.domainName = domain.domainName;
    this.registerOutputs({ endpoint: this.endpoint, domainArn: this.domainArn });
  }
}

export interface SearchAccessArgs {
  readonly domainName: pulumi.Input<string>;
  readonly domainArn: string;
  /** The domain's master role and the workload roles (worker, in-cluster worker, API): nothing else. */
  readonly roleArns: pulumi.Input<string>[];
}

/** The OpenSearch domain's access policy: only the named roles, only this domain. */
export class SearchAccess extends pulumi.ComponentResource {
  constructor(name: string, args: SearchAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:SearchAccess", name, {}, opts);
    new aws.opensearch.DomainPolicy(
      "search-access-policy",
      {
        domainName: args.domainName,
        accessPolicies: pulumi
          .all(args.roleArns)
          .apply((roleArns) => toJson(searchAccessPolicy({ domainArn: args.domainArn, roleArns }))),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

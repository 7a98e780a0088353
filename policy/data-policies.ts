import type { PolicyGroup } from "./policy-types";
import { forTypes, isSet, list, obj, T } from "./props";

/** Automated backups kept at least this long, in days (production-grade stacks: two weeks). */
const MIN_BACKUP_DAYS = { standard: 7, productionGrade: 14 };

export const dataPolicies: PolicyGroup = (ctx) => [
  {
    name: "rds-baseline",
    cls: "baseline",
    description:
      "RDS instances are private, encrypted, use IAM authentication and keep backups; in production-grade stacks the primary is Multi-AZ and every instance is deletion-protected with a final snapshot.",
    remediationSteps:
      "Set publiclyAccessible: false, storageEncrypted: true, iamDatabaseAuthenticationEnabled: true and backupRetentionPeriod (platform:database.backupRetentionDays); in preprod and prod platform:database.multiAz and deletionProtection true.",
    validateResource: forTypes([T.rdsInstance], (p, _args, report) => {
      const replica = isSet(p, "replicateSourceDb");
      if (p.publiclyAccessible === true) report("the instance is publicly accessible");
      if (p.storageEncrypted !== true && !replica) report("storage is not encrypted");
      if (p.iamDatabaseAuthenticationEnabled !== true) report("IAM database authentication is off");
      const minDays = ctx.productionGrade ? MIN_BACKUP_DAYS.productionGrade : MIN_BACKUP_DAYS.standard;
      if (!replica && Number(p.backupRetentionPeriod ?? 0) < minDays) {
        report(`automated backups are kept ${p.backupRetentionPeriod ?? 0} days; at least ${minDays} here`);
      }
      if (ctx.productionGrade) {
        if (!replica && p.multiAz !== true) report("the primary is not Multi-AZ");
        if (p.deletionProtection !== true) report("deletion protection is off");
        if (!replica && p.skipFinalSnapshot === true) report("deleting it would skip the final snapshot");
      }
    }),
  },
  {
    name: "dynamodb-baseline",
    cls: "baseline",
    description:
      "DynamoDB tables have point-in-time recovery and (production-grade) deletion protection; encryption is checked by encrypted-with-stack-key.",
    remediationSteps:
      "Set pointInTimeRecovery.enabled: true; in preprod and prod platform:payments.deletionProtection: true (deletionProtectionEnabled).",
    validateResource: forTypes([T.dynamoTable], (p, _args, report) => {
      if (obj(p.pointInTimeRecovery)?.enabled !== true) report("point-in-time recovery is off");
      if (ctx.productionGrade && p.deletionProtectionEnabled !== true) report("deletion protection is off");
    }),
  },
  {
    name: "lambda-baseline",
    cls: "baseline",
    description:
      "Lambda functions run in the VPC's private subnets with a concurrency limit and a log group of their own.",
    remediationSteps:
      "Set vpcConfig (private subnets and a security group), reservedConcurrentExecutions (platform:payments.worker.reservedConcurrency) and loggingConfig.logGroup.",
    validateResource: forTypes([T.lambda], (p, _args, report) => {
      const vpc = obj(p.vpcConfig);
      if (!vpc || list(vpc.subnetIds).length === 0) report("the function runs outside the VPC");
      if (!isSet(p, "reservedConcurrentExecutions") || Number(p.reservedConcurrentExecutions) < 0) {
        report("no reserved concurrency: one burst can take the account's whole Lambda concurrency");
      }
      if (!isSet(obj(p.loggingConfig), "logGroup"))
        report("logs go to a default log group that never expires");
    }),
  },
  {
    name: "opensearch-baseline",
    cls: "baseline",
    description:
      "OpenSearch domains sit in the VPC with fine-grained access control, node-to-node encryption and HTTPS with TLS 1.2; in production-grade stacks they span 3 AZs with dedicated masters.",
    remediationSteps:
      "Set vpcOptions, advancedSecurityOptions.enabled, nodeToNodeEncryption.enabled, domainEndpointOptions.enforceHttps with a Policy-Min-TLS-1-2 policy; in preprod and prod platform:search.availabilityZoneCount 3 and dedicatedMasterType.",
    validateResource: forTypes([T.openSearch, T.elasticSearch], (p, args, report) => {
      if (args.type === T.elasticSearch) {
        report("aws.elasticsearch.Domain is the legacy type: use aws.opensearch.Domain");
        return;
      }
      if (list(obj(p.vpcOptions)?.subnetIds).length === 0)
        report("the domain has a public endpoint: set vpcOptions");
      if (obj(p.advancedSecurityOptions)?.enabled !== true) report("fine-grained access control is off");
      if (obj(p.nodeToNodeEncryption)?.enabled !== true) report("node-to-node encryption is off");
      const endpoint = obj(p.domainEndpointOptions);
      if (endpoint?.enforceHttps !== true) report("HTTPS is not enforced");
      if (
        typeof endpoint?.tlsSecurityPolicy !== "string" ||
        !endpoint.tlsSecurityPolicy.startsWith("Policy-Min-TLS-1-2")
      ) {
        report("the endpoint admits TLS below 1.2");
      }
      if (ctx.productionGrade) {
        const cluster = obj(p.clusterConfig);
        const zones = Number(obj(cluster?.zoneAwarenessConfig)?.availabilityZoneCount ?? 1);
        if (cluster?.zoneAwarenessEnabled !== true || zones < 3) report("the domain does not span 3 AZs");
        if (cluster?.dedicatedMasterEnabled !== true) report("no dedicated master nodes");
      }
    }),
  },
];

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { serviceRole } from "../core/service-role";
import { POSTGRES_LOG_EXPORTS, postgresParameters, RDS_CA } from "./postgres-parameters";

export interface DatabaseArgs {
  readonly naming: NameContext;
  readonly identifier: string;
  readonly replicaIdentifiers: readonly string[];
  readonly engine: { readonly family: string; readonly version: string };
  readonly vpcId: pulumi.Input<string>;
  /** The isolated data subnets (no route to the internet). */
  readonly subnetIds: pulumi.Input<string>[];
  /** Security groups admitted on 5432 (cluster nodes/pods, the worker). */
  readonly clientSecurityGroupIds: pulumi.Input<string>[];
  readonly keyArn: pulumi.Input<string>;
  readonly instanceClass: string;
  readonly allocatedStorageGiB: number;
  readonly maxAllocatedStorageGiB: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly multiAz: boolean;
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly performanceInsightsRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  readonly slowStatementMs: number;
  readonly deletionProtection: boolean;
  /** Production-grade stacks: `protect` the instances and take a final snapshot of the primary. */
  readonly protect: boolean;
}

/**
 * RDS PostgreSQL for the payments transactions: a primary in the isolated data subnets
 * (Multi-AZ where configured) with its read replicas, encrypted with the environment key, TLS
 * forced by the parameter group, IAM database authentication, the master password generated
 * by RDS in Secrets Manager, backups, Performance Insights and enhanced monitoring.
 */
export class Database extends pulumi.ComponentResource {
  readonly primary: aws.rds.Instance;
  readonly replicas: aws.rds.Instance[];
  readonly securityGroupId: pulumi.Output<string>;
  readonly masterUserSecretArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:Database", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };

    const sg = new aws.ec2.SecurityGroup(
      "db-sg",
      {
        vpcId: args.vpcId,
        description: "Payments PostgreSQL: 5432 from the cluster's workloads and the worker only",
        tags: nameTag(naming, "payments-db"),
      },
      parent,
    );
    args.clientSecurityGroupIds.forEach((source, i) => {
      new aws.vpc.SecurityGroupIngressRule(
        `db-from-client-${i + 1}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: source,
          ipProtocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          description: "PostgreSQL from an allowed client group",
          tags: nameTag(naming, "payments-db-client", `${i + 1}`),
        },
        parent,
      );
    });
    this.securityGroupId = sg.id;

    const subnets = new aws.rds.SubnetGroup(
      "db-subnets",
      {
        name: physicalName(naming, "payments-db"),
        description: "Isolated data subnets",
        subnetIds: args.subnetIds,
        tags: nameTag(naming, "payments-db"),
      },
      parent,
    );
    const params = new aws.rds.ParameterGroup(
      "db-params",
      {
        name: physicalName(naming, "payments", args.engine.family),
        family: args.engine.family,
        description: "Payments PostgreSQL: TLS only, connection and slow statement logging",
        parameters: postgresParameters({ slowStatementMs: args.slowStatementMs }),
        tags: nameTag(naming, "payments-db"),
      },
      parent,
    );
    const monitoringRole = serviceRole(
      "db-monitoring-role",
      { naming, roleName: "rds-monitoring", service: "monitoring.rds.amazonaws.com" },
      parent,
    );
    const monitoringAttachment = new aws.iam.RolePolicyAttachment(
      "db-monitoring-policy",
      {
        role: monitoringRole.name,
        policyArn: "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
      },
      parent,
    );

    const common = {
      instanceClass: args.instanceClass,
      storageEncrypted: true,
      kmsKeyId: args.keyArn,
      parameterGroupName: params.name,
      vpcSecurityGroupIds: [sg.id],
      iamDatabaseAuthenticationEnabled: true,
      caCertIdentifier: RDS_CA,
      publiclyAccessible: false,
      autoMinorVersionUpgrade: false,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: args.keyArn,
      performanceInsightsRetentionPeriod: args.performanceInsightsRetentionDays,
      monitoringInterval: args.monitoringIntervalSeconds,
      monitoringRoleArn: monitoringRole.arn,
      enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
      maintenanceWindow: args.maintenanceWindow,
      deletionProtection: args.deletionProtection,
      copyTagsToSnapshot: true,
    };
    const keep = { parent: this, protect: args.protect, dependsOn: [monitoringAttachment] };

    this.primary = new aws.rds.Instance(
      "db-primary",
      {
        ...common,
        identifier: args.identifier,
        engine: "postgres",
        engineVersion: args.engine.version,
        dbName: args.databaseName,
        username: args.masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.keyArn,
        dbSubnetGroupName: subnets.name,
        multiAz: args.multiAz,
        storageType: "gp3",
        allocatedStorage: args.allocatedStorageGiB,
        maxAllocatedStorage: args.maxAllocatedStorageGiB,
        backupRetentionPeriod: args.backupRetentionDays,
        backupWindow: args.backupWindow,
        deleteAutomatedBackups: !args.protect,
        skipFinalSnapshot: !args.protect,
        finalSnapshotIdentifier: args.protect ? `${args.identifier}-final` : undefined,
        tags: nameTag(naming, "payments-db"),
      },
      keep,
    );
    this.masterUserSecretArn = this.primary.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");

    // Same-region replicas inherit the engine, storage and subnet group of the primary.
    this.replicas = args.replicaIdentifiers.map(
      (identifier, i) =>
        new aws.rds.Instance(
          `db-replica-${i + 1}`,
          {
            ...common,
            identifier,
            replicateSourceDb: this.primary.identifier,
            backupRetentionPeriod: 0,
            skipFinalSnapshot: true,
            tags: nameTag(naming, "payments-db-replica", `${i + 1}`),
          },
          keep,
        ),
    );

    this.registerOutputs({
      endpoint: this.primary.endpoint,
      replicaEndpoints: this.replicas.map((r) => r.endpoint),
      masterUserSecretArn: this.masterUserSecretArn,
    });
  }
}

import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { StackBasics } from "../core/config-loader";
import { clusterName } from "../core/naming";
import { iamRoleArn } from "../core/policy-document";
import { VERSIONS } from "../core/versions";
import type { Network } from "../network";
import { alarmDefinitions } from "./alarm-definitions";
import { Alarms, AlertsTopic } from "./alerts";
import { DataClients } from "./clients";
import type { DataSettings } from "./data-config";
import { DataGrants, dataGrantsRoleName } from "./data-grants-job";
import { DataKey } from "./data-key";
import { arns, CHART_WORKLOADS, dataNames, logGroupPrefix, PROVIDER_API_KEY_SECRET } from "./data-names";
import { Database } from "./database";
import { Email } from "./email";
import { PaymentSecrets } from "./payment-secrets";
import { PaymentsQueue } from "./payments-queue";
import { PaymentsStore } from "./payments-store";
import { PaymentsWorker } from "./payments-worker";
import { Search, SearchAccess } from "./search";
import { WorkloadIdentities } from "./workload-identities";
import type { WorkloadResources } from "./workload-policies";

/** What the data services read of the stack's model. */
export type DataStackConfig = StackBasics & DataSettings;

export interface DataServicesArgs {
  readonly network: Network;
  /**
   * Security groups of the cluster's nodes/pods allowed to reach RDS and OpenSearch. When
   * undefined, a "workload clients" group is created for the cluster to attach.
   */
  readonly clusterClientSecurityGroupIds?: pulumi.Input<string>[];
  /** The EKS cluster, when it is part of the stack: Pod Identity associations wait for it. */
  readonly cluster?: pulumi.Resource;
  /**
   * The roles that administer the search domain (the stack's deploy role, the platform admins'
   * Identity Center roles): the only principals that may assume its master role.
   */
  readonly searchAdministratorArns: readonly string[];
  /**
   * Where the grants inside the data stores are applied (the PostgreSQL users, the OpenSearch role
   * mappings): the environment cluster's Kubernetes provider, the images of the Job, and what it
   * runs after (the cluster's add-ons: nodes to run on).
   */
  readonly grants?: {
    readonly provider: k8s.Provider;
    readonly awsCliImage: string;
    readonly postgresImage: string;
    readonly after: pulumi.Resource[];
  };
}

/** What the edge needs from the data services (not stack outputs). */
export interface DataForEdge {
  /** The static-assets bucket; the edge attaches its policy (it names the distribution). */
  readonly assetsBucket: {
    readonly id: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly regionalDomainName: pulumi.Output<string>;
    /** The component that held the bucket's policy before the edge did. */
    readonly policyPreviouslyIn: pulumi.Resource;
  };
  readonly keyArn: pulumi.Output<string>;
}

/**
 * The data services and the payments pipeline of an environment:
 * API → DynamoDB (`processing`) + raw payload to S3 → SQS → worker → DynamoDB (`complete`) → RDS
 * → OpenSearch, failures retried then parked in the DLQ, SES for receipts and alerts. Returns the
 * stack outputs and what the edge needs.
 */
export function dataServices(
  cfg: DataStackConfig,
  args: DataServicesArgs,
  opts: pulumi.ComponentResourceOptions,
) {
  const naming = { project: cfg.project, stack: cfg.stack };
  const at = { accountId: cfg.accountId, region: cfg.region };
  const protect = cfg.info.productionGrade;
  const { database: db, payments, search, email, alarms } = cfg;
  const names = dataNames(naming, cfg.accountId, db.readReplicas);
  const { network } = args;

  const key = new DataKey(
    "data-key",
    { naming, accountId: cfg.accountId, region: cfg.region, logGroupPrefix: logGroupPrefix(naming), protect },
    opts,
  );
  const alerts = new AlertsTopic(
    "alerts",
    {
      naming,
      accountId: cfg.accountId,
      topicName: names.alertsTopic,
      keyArn: key.arn,
      email: alarms.email,
      protect,
    },
    opts,
  );

  const clients = new DataClients(
    "data-clients",
    {
      naming,
      vpcId: network.vpcId,
      vpcCidr: network.vpcCidr,
      createWorkloadClientsGroup: args.clusterClientSecurityGroupIds === undefined,
    },
    opts,
  );
  const clientSecurityGroupIds: pulumi.Input<string>[] = [
    ...(args.clusterClientSecurityGroupIds ??
      (clients.workloadClientsSecurityGroupId ? [clients.workloadClientsSecurityGroupId] : [])),
    clients.workerSecurityGroupId,
  ];

  const store = new PaymentsStore(
    "payments-store",
    {
      naming,
      tableName: names.table,
      archiveBucketName: names.archiveBucket,
      assetsBucketName: names.assetsBucket,
      keyArn: key.arn,
      archiveLifecycle: payments.archive,
      deletionProtection: payments.deletionProtection,
      protect,
    },
    opts,
  );

  const queue = new PaymentsQueue(
    "payments-queue",
    {
      naming,
      accountId: cfg.accountId,
      queueName: names.queue,
      dlqName: names.dlq,
      keyArn: key.arn,
      bucket: { id: store.archiveBucket.id, arn: store.archiveBucket.arn },
      prefix: payments.archivePrefix,
      ...payments.queue,
      protect,
    },
    opts,
  );

  const database = new Database(
    "database",
    {
      naming,
      identifier: names.database,
      replicaIdentifiers: names.replicas,
      engine: VERSIONS.engines.postgres,
      vpcId: network.vpcId,
      subnetIds: network.dataSubnetIds,
      clientSecurityGroupIds,
      keyArn: key.arn,
      instanceClass: db.instanceClass,
      allocatedStorageGiB: db.allocatedStorageGiB,
      maxAllocatedStorageGiB: db.maxAllocatedStorageGiB,
      databaseName: db.databaseName,
      masterUsername: db.masterUsername,
      multiAz: db.multiAz,
      backupRetentionDays: db.backupRetentionDays,
      backupWindow: db.backupWindow,
      maintenanceWindow: db.maintenanceWindow,
      performanceInsightsRetentionDays: db.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: db.monitoringIntervalSeconds,
      slowStatementMs: db.slowStatementMs,
      deletionProtection: db.deletionProtection,
      protect,
    },
    opts,
  );

  const secrets = new PaymentSecrets(
    "payment-secrets",
    {
      naming,
      providerApiKeyName: names.providerApiKeySecret,
      keyArn: key.arn,
      recoveryWindowDays: payments.secretRecoveryWindowDays,
      providerApiKey:
        cfg.paymentProviderApiKey === undefined ? undefined : pulumi.secret(cfg.paymentProviderApiKey),
      workloadSecrets: CHART_WORKLOADS.map((w) => ({ ...w, name: `${names.secretPrefix}${w.workload}` })),
      protect,
    },
    opts,
  );

  const searchDomainArn = arns.searchDomain(at, names.searchDomain);
  const primaryId = database.primary.resourceId;
  const replicaIds = database.replicas.map((r) => r.resourceId);
  const resources: pulumi.Output<WorkloadResources> = pulumi
    .output({
      queueArn: queue.queueArn,
      tableArn: store.tableArn,
      archiveBucketArn: store.archiveBucketArn,
      keyArn: key.arn,
      providerSecretArn: secrets.providerApiKeyArn,
      primary: primaryId,
      replicas: replicaIds,
    })
    .apply(({ queueArn, tableArn, archiveBucketArn, keyArn, providerSecretArn, primary, replicas }) => {
      const readers = replicas.length > 0 ? replicas : [primary];
      return {
        queueArn,
        tableArn,
        archiveBucketArn,
        archivePrefix: payments.archivePrefix,
        keyArn,
        providerSecretArn,
        searchDomainArn,
        searchIndex: search.indexName,
        email: {
          identityArn: arns.emailIdentity(at, email.domain),
          configurationSetArn: arns.configurationSet(at, names.configurationSet),
          domain: email.domain,
        },
        dbConnect: {
          worker: arns.dbUser(at, primary, db.iamUsers.worker),
          api: [primary, ...replicas].map((id) => arns.dbUser(at, id, db.iamUsers.api)),
          admin: readers.map((id) => arns.dbUser(at, id, db.iamUsers.admin)),
        },
      };
    });

  const searchDomain = new Search(
    "search",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      // The data-grants Job applies the role mappings as the master role, so it is one of them.
      administratorArns: [
        ...args.searchAdministratorArns,
        iamRoleArn(cfg.accountId, dataGrantsRoleName(naming)),
      ],
      domainName: names.searchDomain,
      domainArn: searchDomainArn,
      engineVersion: VERSIONS.engines.opensearch,
      vpcId: network.vpcId,
      subnetIds: network.dataSubnetIds,
      clientSecurityGroupIds,
      keyArn: key.arn,
      instanceType: search.instanceType,
      instanceCount: search.instanceCount,
      availabilityZoneCount: search.availabilityZoneCount,
      dedicatedMasterType: search.dedicatedMasterType,
      volumeSizeGiB: search.volumeSizeGiB,
      logGroupNames: names.searchLogGroups,
      logRetentionDays: search.logRetentionDays,
      protect,
    },
    opts,
  );

  const w = payments.worker;
  const worker = new PaymentsWorker(
    "payments-worker",
    {
      naming,
      functionName: names.workerFunction,
      logGroupName: names.workerLogGroup,
      logRetentionDays: w.logRetentionDays,
      imageUri: `${w.image.repository}:${w.image.tag}`,
      architecture: w.architecture,
      timeoutSeconds: w.timeoutSeconds,
      memoryMb: w.memoryMb,
      reservedConcurrency: w.reservedConcurrency,
      batchSize: w.batchSize,
      maximumBatchingWindowSeconds: w.maximumBatchingWindowSeconds,
      subnetIds: network.privateSubnetIds,
      securityGroupId: clients.workerSecurityGroupId,
      keyArn: key.arn,
      resources,
      environment: {
        PAYMENTS_TABLE: names.table,
        ARCHIVE_BUCKET: names.archiveBucket,
        ARCHIVE_PREFIX: payments.archivePrefix,
        DB_HOST: database.primary.address,
        DB_NAME: db.databaseName,
        DB_USER: db.iamUsers.worker,
        SEARCH_ENDPOINT: pulumi.interpolate`https://${searchDomain.endpoint}`,
        SEARCH_INDEX: search.indexName,
        PROVIDER_API_KEY_SECRET_ARN: secrets.providerApiKeyArn,
      },
    },
    opts,
  );

  const cluster = clusterName(naming);
  const identities = new WorkloadIdentities(
    "workload-identities",
    {
      naming,
      accountId: cfg.accountId,
      clusterName: cluster,
      clusterArn: arns.eksCluster(at, cluster),
      workloads: payments.workloads,
      resources,
    },
    { ...opts, dependsOn: args.cluster ? [args.cluster] : [] },
  );

  const searchAccess = new SearchAccess(
    "search-access",
    {
      domainName: searchDomain.domainName,
      domainArn: searchDomainArn,
      roleArns: [
        searchDomain.masterRoleArn,
        worker.roleArn,
        identities.roleArns.worker,
        identities.roleArns.api,
      ],
    },
    opts,
  );

  if (args.grants) {
    new DataGrants(
      "data-grants",
      {
        naming,
        accountId: cfg.accountId,
        region: cfg.region,
        cluster: { provider: args.grants.provider, name: cluster, arn: arns.eksCluster(at, cluster) },
        awsCliImage: args.grants.awsCliImage,
        postgresImage: args.grants.postgresImage,
        database: {
          host: database.primary.address,
          name: db.databaseName,
          masterUser: db.masterUsername,
          masterSecretArn: database.masterUserSecretArn,
          users: db.iamUsers,
        },
        search: {
          endpoint: searchDomain.endpoint,
          masterRoleArn: searchDomain.masterRoleArn,
          index: search.indexName,
          writerRoleArns: [worker.roleArn, identities.roleArns.worker],
          readerRoleArns: [identities.roleArns.api],
        },
        keyArn: key.arn,
        after: [database, searchAccess, ...args.grants.after],
      },
      opts,
    );
  }

  const mail = new Email(
    "email",
    {
      naming,
      region: cfg.region,
      domain: email.domain,
      hostedZoneId: email.hostedZoneId,
      mailFromSubdomain: email.mailFromSubdomain,
      configurationSetName: names.configurationSet,
      alertsTopicArn: alerts.arn,
    },
    opts,
  );

  new Alarms(
    "alarms",
    {
      naming,
      topicArn: alerts.arn,
      definitions: alarmDefinitions(alarms, {
        accountId: cfg.accountId,
        queue: names.queue,
        dlq: names.dlq,
        workerFunction: names.workerFunction,
        database: names.database,
        replicas: names.replicas,
        table: names.table,
        searchDomain: names.searchDomain,
      }),
    },
    opts,
  );

  const forEdge: DataForEdge = {
    assetsBucket: {
      id: store.assetsBucketId,
      arn: store.assetsBucketArn,
      regionalDomainName: store.assetsBucketRegionalDomainName,
      policyPreviouslyIn: store,
    },
    keyArn: key.arn,
  };

  // What the backups protect (src/recovery/): the primary, the table, the payload archive.
  const forRecovery = {
    databaseArn: database.primary.arn,
    databaseBackupRetentionDays: db.backupRetentionDays,
    tableArn: store.tableArn,
    archiveBucketArn: store.archiveBucketArn,
    alertsTopicArn: alerts.arn,
  };

  // Where the stack's SOPS secrets go (src/secrets/): its path, its key, the names already taken.
  const forSecrets = {
    keyArn: key.arn,
    recoveryWindowDays: payments.secretRecoveryWindowDays,
    reserved: [
      ...CHART_WORKLOADS.map((w) => `payments/${w.workload}`),
      `payments/${PROVIDER_API_KEY_SECRET}`,
      "payments/edge-origin-verify",
    ],
  };

  const outputs = {
    dataKeyArn: key.arn,
    alertsTopicArn: alerts.arn,
    paymentsTableName: store.tableName,
    archiveBucketName: names.archiveBucket,
    assetsBucketName: store.assetsBucketName,
    assetsBucketArn: store.assetsBucketArn,
    assetsBucketRegionalDomainName: store.assetsBucketRegionalDomainName,
    paymentsQueueArn: queue.queueArn,
    paymentsQueueUrl: queue.queueUrl,
    paymentsDlqArn: queue.dlqArn,
    paymentsDlqUrl: queue.dlqUrl,
    databaseEndpoint: database.primary.endpoint,
    databaseReplicaEndpoints: database.replicas.map((r) => r.endpoint),
    databaseMasterSecretArn: database.masterUserSecretArn,
    searchEndpoint: searchDomain.endpoint,
    searchMasterRoleArn: searchDomain.masterRoleArn,
    workerFunctionArn: worker.functionArn,
    workerSecurityGroupId: clients.workerSecurityGroupId,
    workloadRoleArns: identities.roleArns,
    ...(clients.workloadClientsSecurityGroupId
      ? { workloadClientsSecurityGroupId: clients.workloadClientsSecurityGroupId }
      : {}),
    providerApiKeySecretArn: secrets.providerApiKeyArn,
    workloadSecretArns: secrets.workloadSecretArns,
    emailIdentityArn: mail.identityArn,
    emailConfigurationSet: mail.configurationSetName,
  };
  return { outputs, forEdge, forRecovery, forSecrets };
}

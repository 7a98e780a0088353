import { describe, expect, it } from "vitest";
import { asList, type PolicyDocument } from "../../src/core/policy-document";
import { MOCK_SECRET } from "../../src/plan/stack-files";
import {
  expectConfigError,
  named,
  ofType,
  type PlannedResource,
  type PlanResult,
  planStack,
  planVariant,
  stackValue,
  within,
} from "../support/harness";
import { allows as evaluate } from "../support/policy-evaluator";

/** The data services and payments pipeline, asserted on the offline plans of dev, preprod and prod. */

const policyOf = (r: PlannedResource, key = "policy") => JSON.parse(String(r.inputs[key])) as PolicyDocument;
const out = (plan: PlanResult, key: string) => plan.outputs[key] as string;
const DATA_COMPONENTS = [
  "data-key",
  "alerts",
  "payments-store",
  "payments-queue",
  "database",
  "payment-secrets",
  "search",
  "payments-worker",
];

describe("the flow's wiring (dev)", () => {
  it("archive bucket object-created events under the payload prefix go to the payments queue", async () => {
    const plan = await planStack("dev");
    const notification = named(plan, "aws:s3/bucketNotification:BucketNotification", "archive-notification");
    const bucket = named(plan, "aws:s3/bucket:Bucket", "archive-bucket");
    expect(notification.inputs.bucket).toBe(bucket.inputs.bucket);
    expect(notification.inputs.queues).toEqual([
      expect.objectContaining({
        queueArn: out(plan, "paymentsQueueArn"),
        events: ["s3:ObjectCreated:*"],
        filterPrefix: "payloads/",
      }),
    ]);
  });

  it("the queue policy lets only the archive bucket of this account send", async () => {
    const plan = await planStack("dev");
    const doc = policyOf(named(plan, "aws:sqs/queuePolicy:QueuePolicy", "payments-queue-policy"));
    const allows = doc.Statement.filter((s) => s.Effect === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: "s3.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: out(plan, "paymentsQueueArn"),
      Condition: {
        ArnEquals: { "aws:SourceArn": `arn:aws:s3:::${out(plan, "archiveBucketName")}` },
        StringEquals: { "aws:SourceAccount": "529381746102" },
      },
    });
  });

  it("the payments queue redrives to the DLQ after the configured receives; the DLQ keeps 14 days", async () => {
    const plan = await planStack("dev");
    const queue = named(plan, "aws:sqs/queue:Queue", "payments-queue");
    expect(JSON.parse(String(queue.inputs.redrivePolicy))).toEqual({
      deadLetterTargetArn: out(plan, "paymentsDlqArn"),
      maxReceiveCount: 5,
    });
    expect(named(plan, "aws:sqs/queue:Queue", "payments-dlq").inputs.messageRetentionSeconds).toBe(
      14 * 86400,
    );
    const allow = named(plan, "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "payments-dlq-redrive-allow");
    expect(JSON.parse(String(allow.inputs.redriveAllowPolicy))).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: [out(plan, "paymentsQueueArn")],
    });
  });

  it("the visibility timeout covers six worker timeouts", async () => {
    const plan = await planStack("dev");
    const queue = named(plan, "aws:sqs/queue:Queue", "payments-queue");
    const fn = named(plan, "aws:lambda/function:Function", "worker");
    expect(queue.inputs.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * Number(fn.inputs.timeout));
  });

  it("the worker consumes the queue with partial batch failure reporting", async () => {
    const plan = await planStack("dev");
    const esm = named(plan, "aws:lambda/eventSourceMapping:EventSourceMapping", "worker-queue");
    expect(esm.inputs).toMatchObject({
      eventSourceArn: out(plan, "paymentsQueueArn"),
      functionName: out(plan, "workerFunctionArn"),
      functionResponseTypes: ["ReportBatchItemFailures"],
      batchSize: 10,
      maximumBatchingWindowInSeconds: 1,
    });
    const fn = named(plan, "aws:lambda/function:Function", "worker");
    expect(fn.inputs).toMatchObject({
      packageType: "Image",
      imageUri: "318274619203.dkr.ecr.eu-west-2.amazonaws.com/payments-worker:1.0.0",
      reservedConcurrentExecutions: 5,
    });
    const privateSubnets = plan.outputs.privateSubnetIds as string[];
    expect((fn.inputs.vpcConfig as { subnetIds: string[] }).subnetIds).toEqual(privateSubnets);
  });

  it("the worker role names exact resources of this environment, never *", async () => {
    const plan = await planStack("dev");
    const doc = policyOf(named(plan, "aws:iam/rolePolicy:RolePolicy", "worker-data-access"));
    const logGroup = named(plan, "aws:cloudwatch/logGroup:LogGroup", "worker-logs");
    const region = "eu-west-2";
    const account = "529381746102";
    const domainArn = `arn:aws:es:${region}:${account}:domain/platform-dev-payments`;
    const expected: Record<string, string[]> = {
      ConsumePaymentsQueue: [out(plan, "paymentsQueueArn")],
      CompletePayments: [`arn:aws:dynamodb:${region}:${account}:table/platform-dev-payments`],
      ReadArchivedPayloads: [`arn:aws:s3:::${out(plan, "archiveBucketName")}/payloads/*`],
      ReadProviderApiKey: [out(plan, "providerApiKeySecretArn")],
      // The primary's DbiResourceId is assigned by RDS: matched by pattern below.
      ConnectAsWorker: [],
      IndexPayments: [`${domainArn}/payments`, `${domainArn}/payments/*`],
      UseDataKey: [out(plan, "dataKeyArn")],
      // Receipts: the SES identity of the environment's domain and its configuration set.
      SendReceiptsFromTheDomain: [
        `arn:aws:ses:${region}:${account}:identity/dev.payments.example.com`,
        `arn:aws:ses:${region}:${account}:configuration-set/platform-dev-payments-email`,
      ],
      WriteOwnLogs: [
        `arn:aws:logs:${region}:${account}:log-group:${String(logGroup.inputs.name)}:log-stream:*`,
      ],
    };
    const actual: Record<string, string[]> = Object.fromEntries(
      doc.Statement.map((s) => [String(s.Sid), asList(s.Resource)]),
    );
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [sid, resources] of Object.entries(actual)) {
      expect(resources).not.toContain("*");
      if (sid === "ConnectAsWorker") {
        expect(resources).toHaveLength(1);
        expect(resources[0]).toMatch(
          new RegExp(`^arn:aws:rds-db:${region}:${account}:dbuser:db-[A-Z0-9]+/payments_worker$`),
        );
      } else {
        expect(resources, sid).toEqual(expected[sid]);
      }
    }
  });

  it("workload roles are bound to their service accounts on the stack's cluster", async () => {
    const plan = await planStack("dev");
    const assoc = ofType(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation").filter((r) =>
      r.components.includes("workload-identities"),
    );
    expect(assoc.map((a) => [a.inputs.clusterName, a.inputs.namespace, a.inputs.serviceAccount])).toEqual([
      ["platform-dev-eks", "payments", "payments-api"],
      ["platform-dev-eks", "payments", "admin-web"],
      ["platform-dev-eks", "payments", "payments-worker"],
    ]);
    const roles = plan.outputs.workloadRoleArns as Record<string, string>;
    expect(assoc.map((a) => a.inputs.roleArn)).toEqual([roles.api, roles.admin, roles.worker]);
    for (const name of ["payments-api-access", "payments-admin-access", "payments-worker-eks-access"]) {
      const doc = policyOf(named(plan, "aws:iam/rolePolicy:RolePolicy", name));
      expect(doc.Statement.flatMap((s) => asList(s.Resource))).not.toContain("*");
    }
  });

  it("the OpenSearch access policy names only the master, worker and API roles", async () => {
    const plan = await planStack("dev");
    const doc = policyOf(
      named(plan, "aws:opensearch/domainPolicy:DomainPolicy", "search-access-policy"),
      "accessPolicies",
    );
    const roles = plan.outputs.workloadRoleArns as Record<string, string>;
    const lambdaRole = `arn:aws:iam::529381746102:role/platform-dev-payments-worker-lambda`;
    expect(doc.Statement).toHaveLength(1);
    const [statement] = doc.Statement;
    const principal = statement?.Principal as { AWS: string[] };
    expect(principal.AWS).toEqual([out(plan, "searchMasterRoleArn"), lambdaRole, roles.worker, roles.api]);
    expect(statement?.Resource).toBe("arn:aws:es:eu-west-2:529381746102:domain/platform-dev-payments/*");
  });

  it("the OpenSearch master role trusts the deploy role and the platform admins only: a developer in dev cannot assume it", async () => {
    const plan = await planStack("dev");
    const role = named(plan, "aws:iam/role:Role", "search-master-role");
    const trust = policyOf(role, "assumeRolePolicy");
    const assumes = (arn: string) =>
      evaluate(trust, { action: "sts:AssumeRole", principal: { arn }, context: { "aws:PrincipalArn": arn } });
    const admins = stackValue<{ access: { admin: string[] } }>("dev", "platform:cluster").access.admin;
    expect(admins.length).toBeGreaterThan(0);
    for (const arn of ["arn:aws:iam::529381746102:role/platform-deploy", ...admins])
      expect(assumes(arn), arn).toBe(true);
    expect(
      assumes(
        "arn:aws:iam::529381746102:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Developer_0123456789abcdef",
      ),
    ).toBe(false);
    expect(assumes("arn:aws:iam::529381746102:role/platform-dev-payments-api")).toBe(false);
  });

  it("SES: DKIM and MAIL FROM records in the configured zone; bounces and complaints reach the alerts topic", async () => {
    const plan = await planStack("dev");
    const records = within(plan, "email").filter((r) => r.type === "aws:route53/record:Record");
    expect(records.map((r) => r.inputs.type)).toEqual(["CNAME", "CNAME", "CNAME", "MX", "TXT"]);
    for (const r of records)
      expect(r.inputs.zoneId).toBe(
        stackValue<{ hostedZoneId: string }>("dev", "platform:email").hostedZoneId,
      );
    const dest = named(
      plan,
      "aws:sesv2/configurationSetEventDestination:ConfigurationSetEventDestination",
      "email-bounces-to-alerts",
    );
    expect(dest.inputs.eventDestination).toMatchObject({
      matchingEventTypes: ["BOUNCE", "COMPLAINT"],
      snsDestination: { topicArn: out(plan, "alertsTopicArn") },
    });
    const identity = named(plan, "aws:sesv2/emailIdentity:EmailIdentity", "email-identity");
    expect(identity.inputs.emailIdentity).toBe("dev.payments.example.com");
    expect(
      named(
        plan,
        "aws:sesv2/emailIdentityMailFromAttributes:EmailIdentityMailFromAttributes",
        "email-mail-from",
      ).inputs.mailFromDomain,
    ).toBe("mail.dev.payments.example.com");
  });

  it("the provider API key secret lives under <env>/payments/; its value is set only from the config secret", async () => {
    const plan = await planStack("dev");
    expect(named(plan, "aws:secretsmanager/secret:Secret", "provider-api-key").inputs.name).toBe(
      "dev/payments/provider-api-key",
    );
    // The provider marks secretString secret: unwrap the value.
    const unwrap = (v: unknown) => (v !== null && typeof v === "object" && "value" in v ? v.value : v);
    const versions = (p: typeof plan) =>
      new Map(
        ofType(p, "aws:secretsmanager/secretVersion:SecretVersion").map((v) => [
          v.name,
          unwrap(v.inputs.secretString),
        ]),
      );
    // Without the config secret: no provider key anywhere, the chart's secrets seeded empty.
    expect(versions(plan).has("provider-api-key-value")).toBe(false);
    for (const w of ["payments-web", "payments-api", "admin-web", "payments-worker"]) {
      expect(named(plan, "aws:secretsmanager/secret:Secret", `workload-${w}`).inputs.name).toBe(
        `dev/payments/${w}`,
      );
      expect(versions(plan).get(`workload-${w}-value`)).toBe("{}");
    }
    const withKey = await planVariant("dev:optional-settings");
    const version = named(
      withKey,
      "aws:secretsmanager/secretVersion:SecretVersion",
      "provider-api-key-value",
    );
    // Kept a Pulumi secret all the way to the provider (encrypted in the state).
    const { specialSigKey, specialSecretSig } = require("@pulumi/pulumi/runtime/rpc") as {
      specialSigKey: string;
      specialSecretSig: string;
    };
    expect(version.inputs.secretString).toEqual({ [specialSigKey]: specialSecretSig, value: MOCK_SECRET });
    // The workloads that call the provider get the key in their own secret, also kept secret.
    const apiEnv = named(
      withKey,
      "aws:secretsmanager/secretVersion:SecretVersion",
      "workload-payments-api-value",
    );
    expect(apiEnv.inputs.secretString).toEqual({
      [specialSigKey]: specialSecretSig,
      value: JSON.stringify({ PAYMENT_PROVIDER_API_KEY: MOCK_SECRET }),
    });
    expect(versions(withKey).get("workload-payments-web-value")).toBe("{}");
  });

  it("alarms notify the alerts topic", async () => {
    const plan = await planStack("dev");
    const alarms = ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((r) =>
      r.components.includes("alarms"),
    );
    expect(alarms.map((a) => a.name)).toEqual(
      expect.arrayContaining([
        "alarm-dlq-not-empty",
        "alarm-queue-oldest-message",
        "alarm-worker-errors",
        "alarm-worker-throttles",
        "alarm-db-cpu",
        "alarm-db-free-storage",
        "alarm-table-read-throttles",
        "alarm-table-write-throttles",
        "alarm-search-cluster-red",
      ]),
    );
    for (const a of alarms) expect(a.inputs.alarmActions).toEqual([out(plan, "alertsTopicArn")]);
    expect(
      named(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "alarm-dlq-not-empty").inputs.dimensions,
    ).toEqual({
      QueueName: "platform-dev-payments-dlq",
    });
  });
});

describe("TLS and encryption with the environment key (prod)", () => {
  it("every store is encrypted with the environment's data key", async () => {
    const plan = await planStack("prod");
    const key = out(plan, "dataKeyArn");
    expect(named(plan, "aws:kms/key:Key", "data-key").inputs.enableKeyRotation).toBe(true);
    expect(named(plan, "aws:dynamodb/table:Table", "payments-table").inputs.serverSideEncryption).toEqual({
      enabled: true,
      kmsKeyArn: key,
    });
    for (const id of ["archive", "assets"]) {
      const sse = named(
        plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `${id}-encryption`,
      );
      expect(sse.inputs.rules).toEqual([
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key },
          bucketKeyEnabled: true,
        },
      ]);
    }
    for (const q of ofType(plan, "aws:sqs/queue:Queue").filter((r) =>
      r.components.includes("payments-queue"),
    )) {
      expect(q.inputs.kmsMasterKeyId, q.name).toBe(key);
    }
    const dbs = ofType(plan, "aws:rds/instance:Instance");
    expect(dbs).toHaveLength(3);
    for (const db of dbs) {
      expect(db.inputs, db.name).toMatchObject({
        storageEncrypted: true,
        kmsKeyId: key,
        performanceInsightsKmsKeyId: key,
      });
    }
    expect(named(plan, "aws:rds/instance:Instance", "db-primary").inputs).toMatchObject({
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: key,
    });
    expect(named(plan, "aws:rds/instance:Instance", "db-primary").inputs.password).toBeUndefined();
    expect(named(plan, "aws:opensearch/domain:Domain", "search").inputs.encryptAtRest).toEqual({
      enabled: true,
      kmsKeyId: key,
    });
    expect(named(plan, "aws:secretsmanager/secret:Secret", "provider-api-key").inputs.kmsKeyId).toBe(key);
    expect(named(plan, "aws:sns/topic:Topic", "alerts").inputs.kmsMasterKeyId).toBe(key);
    const logGroups = DATA_COMPONENTS.flatMap((c) => within(plan, c)).filter(
      (r) => r.type === "aws:cloudwatch/logGroup:LogGroup",
    );
    expect(logGroups.length).toBe(4);
    for (const g of logGroups) expect(g.inputs.kmsKeyId, g.name).toBe(key);
  });

  it("TLS is enforced: RDS parameter group, OpenSearch endpoint, bucket and queue policies", async () => {
    const plan = await planStack("prod");
    const params = named(plan, "aws:rds/parameterGroup:ParameterGroup", "db-params");
    expect(params.inputs.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "rds.force_ssl", value: "1" })]),
    );
    for (const db of ofType(plan, "aws:rds/instance:Instance")) {
      expect(db.inputs.parameterGroupName).toBe(params.inputs.name);
      expect(db.inputs.iamDatabaseAuthenticationEnabled).toBe(true);
    }
    const domain = named(plan, "aws:opensearch/domain:Domain", "search");
    expect(domain.inputs.domainEndpointOptions).toEqual({
      enforceHttps: true,
      tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10",
    });
    expect(domain.inputs.nodeToNodeEncryption).toEqual({ enabled: true });
    const insecure = { Bool: { "aws:SecureTransport": "false" } };
    for (const [type, name] of [
      ["aws:s3/bucketPolicy:BucketPolicy", "archive-policy"],
      ["aws:s3/bucketPolicy:BucketPolicy", "assets-policy"],
      ["aws:sqs/queuePolicy:QueuePolicy", "payments-queue-policy"],
      ["aws:sqs/queuePolicy:QueuePolicy", "payments-dlq-policy"],
    ] as const) {
      const doc = policyOf(named(plan, type, name));
      expect(
        doc.Statement.some(
          (s) => s.Effect === "Deny" && JSON.stringify(s.Condition) === JSON.stringify(insecure),
        ),
        name,
      ).toBe(true);
    }
  });

  it("the assets bucket is private; its policy, attached by the edge once the distribution exists, admits that distribution only", async () => {
    const plan = await planStack("prod");
    expect(
      named(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "assets-public-access").inputs,
    ).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const assetsPolicy = named(plan, "aws:s3/bucketPolicy:BucketPolicy", "assets-policy");
    expect(assetsPolicy.componentType).toBe("platform:edge:Edge");
    expect(assetsPolicy.inputs.bucket).toBe(out(plan, "assetsBucketName"));
    const allows = policyOf(assetsPolicy).Statement.filter((s) => s.Effect === "Allow");
    expect(allows.map((s) => [s.Principal, s.Action, s.Condition])).toEqual([
      [
        { Service: "cloudfront.amazonaws.com" },
        "s3:GetObject",
        { StringEquals: { "AWS:SourceArn": out(plan, "edgeDistributionArn") } },
      ],
    ]);
  });

  it("RDS and OpenSearch admit only the cluster and the worker, and sit in the data subnets", async () => {
    const plan = await planStack("prod");
    for (const [prefix, port] of [
      ["db-from-client", 5432],
      ["search-from-client", 443],
    ] as const) {
      const rules = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
        r.name.startsWith(prefix),
      );
      expect(rules.map((r) => r.inputs.referencedSecurityGroupId)).toEqual([
        out(plan, "clusterSecurityGroupId"),
        out(plan, "workerSecurityGroupId"),
      ]);
      for (const r of rules) {
        expect(r.inputs).toMatchObject({ fromPort: port, toPort: port, ipProtocol: "tcp" });
        expect(r.inputs.cidrIpv4).toBeUndefined();
      }
    }
    const dataSubnets = plan.outputs.dataSubnetIds as string[];
    expect(named(plan, "aws:rds/subnetGroup:SubnetGroup", "db-subnets").inputs.subnetIds).toEqual(
      dataSubnets,
    );
    expect(
      (named(plan, "aws:opensearch/domain:Domain", "search").inputs.vpcOptions as { subnetIds: string[] })
        .subnetIds,
    ).toEqual(dataSubnets);
  });
});

describe("per-stack differences and production protection", () => {
  it.each([
    ["dev", 0, false, 7, false],
    ["preprod", 1, true, 14, true],
    ["prod", 2, true, 35, true],
  ] as const)(
    "%s: %i replicas, Multi-AZ %s, %i days of backups, deletion protection %s",
    async (stack, replicas, multiAz, retention, deletion) => {
      const plan = await planStack(stack);
      const dbs = ofType(plan, "aws:rds/instance:Instance");
      expect(dbs.filter((d) => d.inputs.replicateSourceDb !== undefined)).toHaveLength(replicas);
      const primary = named(plan, "aws:rds/instance:Instance", "db-primary");
      expect(primary.inputs).toMatchObject({
        multiAz,
        backupRetentionPeriod: retention,
        deletionProtection: deletion,
      });
      for (const d of dbs) expect(d.inputs.deletionProtection).toBe(deletion);
      expect(named(plan, "aws:dynamodb/table:Table", "payments-table").inputs.deletionProtectionEnabled).toBe(
        deletion,
      );
      expect(
        ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.name.endsWith("-lag")),
      ).toHaveLength(replicas);
    },
  );

  it("prod: stateful resources are protected, the key retained, a final snapshot taken", async () => {
    const plan = await planStack("prod");
    for (const [type, name] of [
      ["aws:kms/key:Key", "data-key"],
      ["aws:rds/instance:Instance", "db-primary"],
      ["aws:rds/instance:Instance", "db-replica-1"],
      ["aws:dynamodb/table:Table", "payments-table"],
      ["aws:s3/bucket:Bucket", "archive-bucket"],
      ["aws:s3/bucket:Bucket", "assets-bucket"],
      ["aws:opensearch/domain:Domain", "search"],
    ] as const) {
      expect(named(plan, type, name).protect, name).toBe(true);
    }
    expect(named(plan, "aws:kms/key:Key", "data-key").retainOnDelete).toBe(true);
    expect(named(plan, "aws:rds/instance:Instance", "db-primary").inputs).toMatchObject({
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: "platform-prod-payments-db-final",
    });
    const domain = named(plan, "aws:opensearch/domain:Domain", "search");
    expect(domain.inputs.clusterConfig).toMatchObject({
      zoneAwarenessEnabled: true,
      zoneAwarenessConfig: { availabilityZoneCount: 3 },
      dedicatedMasterEnabled: true,
      dedicatedMasterCount: 3,
    });
  });

  it("dev: nothing is protected and the database can be torn down", async () => {
    const plan = await planStack("dev");
    expect(named(plan, "aws:rds/instance:Instance", "db-primary").protect).toBe(false);
    expect(named(plan, "aws:rds/instance:Instance", "db-primary").inputs.skipFinalSnapshot).toBe(true);
    expect(named(plan, "aws:kms/key:Key", "data-key").protect).toBe(false);
  });

  it("every data resource uses the stack's explicit provider", async () => {
    const plan = await planStack("prod");
    const mine = DATA_COMPONENTS.flatMap((c) => within(plan, c)).filter((r) => r.custom);
    expect(mine.length).toBeGreaterThan(40);
    expect(mine.filter((r) => r.provider !== "aws").map((r) => r.name)).toEqual([]);
  });
});

describe("backups of the payment stores", () => {
  const backups = (plan: PlanResult) => within(plan, "backups");

  it("prod: locked vaults in two regions with their own keys, daily and monthly points copied, the stores selected", async () => {
    const plan = await planStack("prod");
    const b = stackValue<{
      copyRegion: string;
      vaultLock: { minRetentionDays: number; maxRetentionDays: number; changeableForDays: number };
    }>("prod", "platform:backup");
    const vaults = ofType(plan, "aws:backup/vault:Vault");
    expect(vaults.map((v) => [v.inputs.name, v.inputs.region, v.protect])).toEqual([
      ["platform-prod-backup", "eu-west-2", true],
      ["platform-prod-backup-copy", b.copyRegion, true],
    ]);
    expect(ofType(plan, "aws:kms/key:Key").map((k) => k.name)).toEqual(
      expect.arrayContaining(["backup-vault-key", "backup-copy-vault-key"]),
    );
    for (const v of vaults) {
      // Each vault has its own key, never the data key.
      expect(v.inputs.kmsKeyArn).not.toBe(out(plan, "dataKeyArn"));
    }
    expect(vaults[0]!.inputs.kmsKeyArn).not.toBe(vaults[1]!.inputs.kmsKeyArn);
    // Compliance mode (a grace time is set) on both vaults.
    const locks = ofType(plan, "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
    expect(locks.map((l) => l.inputs.backupVaultName)).toEqual(vaults.map((v) => v.inputs.name));
    for (const l of locks) {
      expect(l.inputs).toMatchObject(b.vaultLock);
      expect(l.protect).toBe(true);
    }
    const rules = named(plan, "aws:backup/plan:Plan", "backup-plan").inputs.rules as {
      ruleName: string;
      targetVaultName: string;
      copyActions: { destinationVaultArn: string }[];
    }[];
    expect(rules.map((r) => r.ruleName)).toEqual(["daily", "monthly"]);
    for (const r of rules) {
      expect(r.targetVaultName).toBe("platform-prod-backup");
      expect(r.copyActions.map((c) => c.destinationVaultArn)).toEqual([
        expect.stringMatching(/vault\/platform-prod-backup-copy$/),
      ]);
    }
    const selection = named(plan, "aws:backup/selection:Selection", "backup-selection");
    const primary = named(plan, "aws:rds/instance:Instance", "db-primary");
    expect(selection.inputs.resources).toEqual([
      `arn:aws:rds:eu-west-2:751029384756:db:${String(primary.inputs.identifier)}`,
      `arn:aws:dynamodb:eu-west-2:751029384756:table/${out(plan, "paymentsTableName")}`,
      `arn:aws:s3:::${out(plan, "archiveBucketName")}`,
    ]);
    // The primary's point-in-time recovery survives the region: its automated backups are replicated.
    const replication = named(
      plan,
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "db-backups-replication",
    );
    expect(replication.inputs).toMatchObject({ region: b.copyRegion, retentionPeriod: 35 });
    expect(String(replication.inputs.sourceDbInstanceArn)).toMatch(/:db:platform-prod-payments-db$/);
    // DynamoDB's advanced backups (needed to copy its points to another region) are on.
    expect(
      named(plan, "aws:backup/regionSettings:RegionSettings", "backup-region-settings").inputs
        .resourceTypeManagementPreference,
    ).toEqual({ DynamoDB: true });
    // Failed backup and copy jobs reach the alerts topic.
    const alarms = backups(plan).filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.map((a) => a.inputs.metricName)).toEqual([
      "NumberOfBackupJobsFailed",
      "NumberOfCopyJobsFailed",
    ]);
    for (const a of alarms) expect(a.inputs.alarmActions).toEqual([out(plan, "alertsTopicArn")]);
    // AWS Backup tracks the archive bucket through EventBridge: the notification keeps it on.
    expect(
      named(plan, "aws:s3/bucketNotification:BucketNotification", "archive-notification").inputs.eventbridge,
    ).toBe(true);
  });

  it("preprod: the same plan and vaults without the lock; dev: no backups", async () => {
    const preprod = await planStack("preprod");
    expect(ofType(preprod, "aws:backup/vault:Vault")).toHaveLength(2);
    expect(ofType(preprod, "aws:backup/plan:Plan")).toHaveLength(1);
    expect(ofType(preprod, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")).toEqual([]);
    expect(backups(await planStack("dev"))).toEqual([]);
  });
});

describe("bad configuration is rejected", () => {
  const payments = () => stackValue<Record<string, Record<string, unknown>>>("dev", "platform:payments");
  const database = (stack: string) => stackValue<Record<string, unknown>>(stack, "platform:database");

  it("a worker image the management stack does not share with Lambda", async () => {
    const withRepository = (repository: string) => {
      const p = payments();
      p.worker = { ...p.worker, image: { repository, tag: "1.0.0" } };
      return { "platform:payments": p };
    };
    const key = /platform:payments\.worker\.image\.repository: /;
    await expectConfigError(
      "dev",
      withRepository("318274619203.dkr.ecr.eu-west-2.amazonaws.com/payments-api"),
      key,
      /its policy does not admit the Lambda service: add "payments-api" to platform:registries\.lambdaImages in Pulumi\.management\.yaml/,
    );
    await expectConfigError(
      "dev",
      withRepository("318274619203.dkr.ecr.eu-west-2.amazonaws.com/payments-worker-v2"),
      key,
      /the management stack creates no repository "payments-worker-v2"/,
    );
    await expectConfigError(
      "prod",
      withRepository("529381746102.dkr.ecr.eu-west-2.amazonaws.com/payments-worker"),
      key,
      /is not in the management account's registry \(318274619203\.dkr\.ecr\.eu-west-2\.amazonaws\.com\/…\)/,
    );
  });

  it("a payment provider range that is private, or too wide", async () => {
    const p = payments();
    await expectConfigError(
      "prod",
      { "platform:payments": { ...p, providerEgressCidrs: ["198.51.100.0/24", "10.30.0.0/16"] } },
      /platform:payments\.providerEgressCidrs\[1\]: 10\.30\.0\.0\/16 overlaps the private range 10\.0\.0\.0\/8/,
    );
    await expectConfigError(
      "prod",
      { "platform:payments": { ...p, providerEgressCidrs: ["0.0.0.0/0"] } },
      /platform:payments\.providerEgressCidrs\[0\]: expected an IPv4 block between \/16 and \/32/,
    );
  });

  it("a visibility timeout under six worker timeouts", async () => {
    const p = payments();
    p.queue = { ...p.queue, visibilityTimeoutSeconds: 300 };
    await expectConfigError(
      "dev",
      { "platform:payments": p },
      /platform:payments\.queue\.visibilityTimeoutSeconds: must be at least 6 × platform:payments\.worker\.timeoutSeconds \(60 s\) = 360 s; got 300 s/,
    );
  });

  it("a max receive count below 1", async () => {
    const p = payments();
    p.queue = { ...p.queue, maxReceiveCount: 0 };
    await expectConfigError(
      "dev",
      { "platform:payments": p },
      /platform:payments\.queue\.maxReceiveCount: expected at least 1 receives/,
    );
  });

  it("read replicas without Multi-AZ in a production-grade stack", async () => {
    const db = { ...database("preprod"), multiAz: false };
    await expectConfigError(
      "preprod",
      { "platform:database": db },
      /platform:database\.readReplicas: read replicas in preprod \(production-grade\) require platform:database\.multiAz: true/,
      /platform:database\.multiAz: preprod is production-grade and needs a Multi-AZ primary/,
    );
  });

  it("a backup retention over the engine's 35-day limit", async () => {
    await expectConfigError(
      "dev",
      { "platform:database": { ...database("dev"), backupRetentionDays: 36 } },
      /platform:database\.backupRetentionDays: expected at most 35 days/,
    );
  });

  it("a Performance Insights retention RDS does not offer", async () => {
    await expectConfigError(
      "dev",
      { "platform:database": { ...database("dev"), performanceInsightsRetentionDays: 30 } },
      /platform:database\.performanceInsightsRetentionDays: expected 7, a multiple of 31/,
    );
  });

  it("prod without deletion protection", async () => {
    const p = stackValue<Record<string, unknown>>("prod", "platform:payments");
    await expectConfigError(
      "prod",
      {
        "platform:database": { ...database("prod"), deletionProtection: false },
        "platform:payments": { ...p, deletionProtection: false },
      },
      /platform:database\.deletionProtection: must be true in prod/,
      /platform:payments\.deletionProtection: must be true in prod/,
    );
  });

  it("an OpenSearch node count that does not divide over the zones, and prod without zone awareness", async () => {
    const s = stackValue<Record<string, unknown>>("prod", "platform:search");
    await expectConfigError(
      "prod",
      { "platform:search": { ...s, instanceCount: 4 } },
      /platform:search\.instanceCount: must be divisible by platform:search\.availabilityZoneCount \(3\)/,
    );
    await expectConfigError(
      "prod",
      { "platform:search": { ...s, availabilityZoneCount: 1, dedicatedMasterType: undefined } },
      /platform:search\.availabilityZoneCount: must be 3 in prod/,
      /platform:search\.dedicatedMasterType: must be set in prod/,
    );
  });

  it("a mutable worker image tag", async () => {
    const p = payments();
    const worker = p.worker as { image: Record<string, string> };
    p.worker = { ...worker, image: { ...worker.image, tag: "latest" } };
    await expectConfigError(
      "dev",
      { "platform:payments": p },
      /platform:payments\.worker\.image\.tag: expected an immutable release tag/,
    );
  });

  it("a DLQ that would expire messages before the main queue", async () => {
    const p = payments();
    p.queue = { ...p.queue, messageRetentionDays: 14, dlqRetentionDays: 14 };
    await expectConfigError(
      "dev",
      { "platform:payments": p },
      /platform:payments\.queue\.dlqRetentionDays: must be longer than platform:payments\.queue\.messageRetentionDays \(14\)/,
    );
  });
});

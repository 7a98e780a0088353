import { describe, expect, it } from "vitest";
import { ENVIRONMENT_STACKS, STACK_NAMES } from "../../src/core/environments";
import { named, ofType, planStack, stackValue } from "../support/harness";

const REQUIRED_TAGS = ["Project", "Environment", "Owner", "CostCenter", "ManagedBy"] as const;

describe.each(STACK_NAMES)("whole stack: %s", (stack) => {
  it("evaluates with its committed Pulumi.<stack>.yaml and exports what CI and the other stacks read", async () => {
    const plan = await planStack(stack);
    expect(plan.outputs).toMatchObject({
      vpcId: expect.any(String),
      vpcCidr: expect.any(String),
      accountId: expect.stringMatching(/^\d{12}$/),
    });
    for (const tier of ["public", "private", "data"]) {
      expect(plan.outputs[`${tier}SubnetIds`]).toHaveLength(3);
    }
  });

  it("creates every AWS resource through an explicit provider that carries the platform's default tags", async () => {
    const plan = await planStack(stack);
    const providers = new Map(ofType(plan, "pulumi:providers:aws").map((p) => [p.name, p]));
    expect(providers.size).toBeGreaterThan(0);
    for (const p of providers.values()) {
      const tags = (p.inputs.defaultTags as { tags?: Record<string, string> } | undefined)?.tags ?? {};
      for (const t of REQUIRED_TAGS) expect(tags[t], `${p.name} default tag ${t}`).toBeTruthy();
      expect(tags).toMatchObject({ Project: "platform", Environment: stack, ManagedBy: "pulumi" });
    }
    const awsResources = plan.resources.filter((r) => r.custom && r.type.startsWith("aws:"));
    expect(awsResources.length).toBeGreaterThan(0);
    for (const r of awsResources) {
      expect(providers.has(r.provider), `${r.type} ${r.name} uses provider "${r.provider}"`).toBe(true);
    }
  });

  it("never overrides the platform tags on a taggable resource", async () => {
    const plan = await planStack(stack);
    const provider = ofType(plan, "pulumi:providers:aws").find((p) => p.name === "aws");
    const expected =
      (provider?.inputs.defaultTags as { tags?: Record<string, string> } | undefined)?.tags ?? {};
    expect(Object.keys(expected)).toEqual(expect.arrayContaining([...REQUIRED_TAGS]));
    for (const r of plan.resources.filter((x) => x.taggable)) {
      const tags = (r.inputs.tags ?? {}) as Record<string, string>;
      for (const t of REQUIRED_TAGS) {
        if (t in tags) expect(tags[t], `${r.type} ${r.name} tag ${t}`).toBe(expected[t]);
      }
    }
  });

  it("gives every resource a logical name unique within its type", async () => {
    const plan = await planStack(stack);
    const seen = new Set<string>();
    for (const r of plan.resources) {
      const key = `${r.components.join("/")}|${r.type}|${r.name}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});

describe("production protections", () => {
  it("prod runs a NAT gateway and an Elastic IP per AZ", async () => {
    const plan = await planStack("prod");
    expect(ofType(plan, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    expect(ofType(plan, "aws:ec2/eip:Eip")).toHaveLength(3);
  });

  it("every KMS key in preprod and prod is protected and rotates", async () => {
    for (const stack of ["preprod", "prod"]) {
      const keys = ofType(await planStack(stack), "aws:kms/key:Key");
      expect(keys.length).toBeGreaterThan(0);
      for (const k of keys) {
        expect(k.protect, `${stack} ${k.name}`).toBe(true);
        expect(k.inputs.enableKeyRotation, `${stack} ${k.name}`).toBe(true);
      }
    }
  });

  /**
   * Every stateful resource of prod that `pulumi destroy`, a rename or a bad refactor must never delete:
   * what holds payments, their keys and secrets, the failed payments in the DLQ, the alerts, the logs.
   */
  const PROTECTED_IN_PROD = [
    // The backups: their vaults, locks and keys, the plan, the replicated RDS backups.
    "aws:backup/plan:Plan backup-plan",
    "aws:backup/vault:Vault backup-copy-vault",
    "aws:backup/vault:Vault backup-vault",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-copy-vault-lock",
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration backup-vault-lock",
    "aws:kms/key:Key backup-copy-vault-key",
    "aws:kms/key:Key backup-vault-key",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication db-backups-replication",
    "aws:dynamodb/table:Table payments-table",
    "aws:ec2/eip:Eip nat-eip-a",
    "aws:ec2/eip:Eip nat-eip-b",
    "aws:ec2/eip:Eip nat-eip-c",
    "aws:ec2/vpc:Vpc vpc",
    "aws:eks/nodeGroup:NodeGroup system-nodes",
    "aws:kms/key:Key cluster-key",
    "aws:kms/key:Key data-key",
    "aws:kms/key:Key edge-logs-key",
    "aws:kms/key:Key flow-logs-key",
    "aws:kms/key:Key origin-waf-logs-key",
    "aws:opensearch/domain:Domain search",
    "aws:rds/instance:Instance db-primary",
    "aws:rds/instance:Instance db-replica-1",
    "aws:rds/instance:Instance db-replica-2",
    "aws:s3/bucket:Bucket alb-logs-bucket",
    "aws:s3/bucket:Bucket archive-bucket",
    "aws:s3/bucket:Bucket assets-bucket",
    "aws:secretsmanager/secret:Secret datadog-keys",
    "aws:secretsmanager/secret:Secret edge-origin-verify",
    "aws:secretsmanager/secret:Secret provider-api-key",
    "aws:secretsmanager/secret:Secret workload-admin-web",
    "aws:secretsmanager/secret:Secret workload-payments-api",
    "aws:secretsmanager/secret:Secret workload-payments-web",
    "aws:secretsmanager/secret:Secret workload-payments-worker",
    "aws:sns/topic:Topic alerts",
    "aws:sqs/queue:Queue payments-dlq",
    "aws:sqs/queue:Queue payments-queue",
    "eks:index:Cluster eks",
    "kubernetes:core/v1:Namespace payments-namespace",
  ];

  it("prod protects exactly the listed stateful resources: the payments queue, DLQ, secrets and alerts topic included", async () => {
    const plan = await planStack("prod");
    const key = (r: { type: string; name: string }) => `${r.type} ${r.name}`;
    const present = new Set(plan.resources.map(key));
    for (const k of PROTECTED_IN_PROD) expect(present.has(k), `${k} exists in prod`).toBe(true);
    expect(
      plan.resources
        .filter((r) => r.protect)
        .map(key)
        .sort(),
    ).toEqual([...PROTECTED_IN_PROD].sort());
  });
});

describe.each(["dev", "preprod", "prod"] as const)("%s is watched and logs its edge", (stack) => {
  it("has the payments monitors and the SLO in Datadog, through its own provider on the stack's site", async () => {
    const plan = await planStack(stack);
    const provider = ofType(plan, "pulumi:providers:datadog");
    expect(provider.map((p) => p.inputs.apiUrl)).toEqual(["https://api.datadoghq.eu/"]);
    const monitors = ofType(plan, "datadog:index/monitor:Monitor");
    expect(monitors.map((m) => m.name).sort()).toEqual(
      [
        "monitor-payments-api-error-rate",
        "monitor-payments-api-p95-latency",
        "monitor-payments-dlq-depth",
        "monitor-payments-web-error-rate",
        "monitor-payments-web-p95-latency",
        "monitor-payments-worker-errors",
      ].sort(),
    );
    for (const m of monitors) {
      expect(m.provider).toBe("datadog");
      expect(String(m.inputs.message)).toContain("@platform-alerts@payments.example.com");
      expect(m.inputs.tags).toContain(`env:${stack}`);
    }
    const slo = ofType(plan, "datadog:index/serviceLevelObjective:ServiceLevelObjective");
    expect(slo).toHaveLength(1);
    expect(slo[0]!.inputs).toMatchObject({
      type: "monitor",
      thresholds: [{ timeframe: "30d", target: 99.5 }],
    });
    // The DLQ and worker monitors read CloudWatch metrics the AWS integration collects.
    const integration = ofType(plan, "datadog:aws/integrationAccount:IntegrationAccount")[0]!;
    expect(integration.inputs).toMatchObject({
      awsAccountId: plan.outputs.accountId,
      authConfig: { awsAuthConfigRole: { roleName: `platform-${stack}-datadog-integration` } },
      metricsConfig: { namespaceFilters: { includeOnlies: ["AWS/SQS", "AWS/Lambda"] } },
    });
  });

  it("logs CloudFront, both web ACLs (sensitive headers redacted) and the ALBs, kept per the environment", async () => {
    const plan = await planStack(stack);
    const retention = stackValue<{ logRetentionDays: number }>(stack, "platform:edge").logRetentionDays;
    const groups = Object.fromEntries(
      ofType(plan, "aws:cloudwatch/logGroup:LogGroup").map((g) => [g.name, g]),
    );
    for (const name of ["cloudfront-access-logs", "edge-waf-logs", "origin-waf-logs"]) {
      expect(groups[name]?.inputs.retentionInDays, name).toBe(retention);
    }
    // WAF writes only to aws-waf-logs-* groups in its web ACL's region (us-east-1 for CloudFront's).
    expect(groups["edge-waf-logs"]!.inputs.name).toMatch(/^aws-waf-logs-/);
    expect(groups["edge-waf-logs"]!.provider).toBe("aws-us-east-1");
    expect(groups["origin-waf-logs"]!.provider).toBe("aws");
    const logging = ofType(plan, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
    expect(logging.map((l) => l.name).sort()).toEqual(["edge-waf-logging", "origin-waf-logging"]);
    for (const l of logging) {
      expect(l.inputs.redactedFields).toEqual(
        ["authorization", "cookie", "x-origin-verify"].map((name) => ({ singleHeader: { name } })),
      );
    }
    // CloudFront standard logging (v2): the distribution's access logs, delivered in us-east-1.
    const source = named(plan, "aws:cloudwatch/logDeliverySource:LogDeliverySource", "cloudfront-log-source");
    expect(source.inputs).toMatchObject({
      logType: "ACCESS_LOGS",
      resourceArn: plan.outputs.edgeDistributionArn,
    });
    expect(source.provider).toBe("aws-us-east-1");
    expect(ofType(plan, "aws:cloudwatch/logDelivery:LogDelivery")).toHaveLength(1);
    // The ALBs' bucket: SSE-S3 (ALB log delivery refuses SSE-KMS), expired after the retention.
    const sse = named(
      plan,
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "alb-logs-encryption",
    );
    expect(sse.inputs.rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    const lifecycle = named(
      plan,
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "alb-logs-lifecycle",
    );
    expect((lifecycle.inputs.rules as { expiration?: { days: number } }[])[0]!.expiration).toEqual({
      days: retention,
    });
  });
});

describe.each(ENVIRONMENT_STACKS)("account baseline: %s", (stack) => {
  it("blocks public S3 access at account level, records AWS Config centrally, and budgets the account", async () => {
    const plan = await planStack(stack);
    const management = await planStack("management");
    expect(
      named(
        plan,
        "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "account-baseline-s3-account-public-access",
      ).inputs,
    ).toEqual(
      expect.objectContaining({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }),
    );
    const recorder = named(plan, "aws:cfg/recorder:Recorder", "account-baseline-config-recorder");
    expect(recorder.inputs.recordingGroup).toMatchObject({
      allSupported: true,
      includeGlobalResourceTypes: true,
    });
    expect(
      named(plan, "aws:cfg/deliveryChannel:DeliveryChannel", "account-baseline-config-delivery").inputs
        .s3BucketName,
    ).toBe(management.outputs.configBucketName);
    expect(
      named(plan, "aws:cfg/recorderStatus:RecorderStatus", "account-baseline-config-recorder-status").inputs
        .isEnabled,
    ).toBe(true);
    const budget = named(plan, "aws:budgets/budget:Budget", "account-baseline-budget");
    const cfg = stackValue<{ monthlyLimitUsd: number; actualThresholdsPercent: number[]; emails: string[] }>(
      stack,
      "platform:budget",
    );
    expect(budget.inputs).toMatchObject({
      name: `platform-${stack}-monthly`,
      budgetType: "COST",
      timeUnit: "MONTHLY",
      limitAmount: cfg.monthlyLimitUsd.toFixed(2),
    });
    const notifications = budget.inputs.notifications as {
      notificationType: string;
      threshold: number;
      subscriberEmailAddresses: string[];
    }[];
    expect(notifications.filter((n) => n.notificationType === "ACTUAL").map((n) => n.threshold)).toEqual(
      cfg.actualThresholdsPercent,
    );
    expect(notifications.filter((n) => n.notificationType === "FORECASTED")).toHaveLength(1);
    for (const n of notifications) expect(n.subscriberEmailAddresses).toEqual(cfg.emails);
  });
});

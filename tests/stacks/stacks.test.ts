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

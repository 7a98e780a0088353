import * as aws from "@pulumi/aws";
import * as datadog from "@pulumi/datadog";
import * as pulumi from "@pulumi/pulumi";
import { DATADOG_AWS_ACCOUNT } from "../core/external-accounts";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { policy, toJson } from "../core/policy-document";
import { datadogApiUrl } from "./observability-config";
import { type MonitorDefinition, PAYMENTS_SLO } from "./payments-slo";

export { DATADOG_AWS_ACCOUNT };

/** CloudWatch namespaces the Datadog AWS integration collects: what the DLQ and worker monitors read. */
export const DATADOG_METRIC_NAMESPACES = ["AWS/SQS", "AWS/Lambda"];

export interface PaymentsMonitoringArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  readonly site: string;
  /** Handles every monitor notifies. */
  readonly notify: readonly string[];
  readonly monitors: readonly MonitorDefinition[];
  /** The environment's Datadog keys entry (`<env>/observability/datadog`), an input set by an operator. */
  readonly keysSecretName: string;
  readonly keyArn: pulumi.Input<string>;
  readonly secretRecoveryWindowDays: number;
  /** Production-grade: the keys entry is protected. */
  readonly protect: boolean;
}

/**
 * The environment's observability in Datadog: the keys entry the agent and the canary analysis read
 * (created empty: its value is an input, never a placeholder), the Datadog AWS integration (a role
 * Datadog assumes, metrics of the SQS and Lambda namespaces in the stack's region), the payments
 * monitors and the monitor-based payments SLO. The Datadog provider authenticates with `DD_API_KEY`
 * and `DD_APP_KEY` from the environment of `pulumi up` (README, "Observability").
 */
export class PaymentsMonitoring extends pulumi.ComponentResource {
  readonly keysSecretArn: pulumi.Output<string>;
  readonly sloId: pulumi.Output<string>;
  readonly monitorIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: PaymentsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:PaymentsMonitoring", name, {}, opts);
    const { naming } = args;
    const env = naming.stack;
    const parent = { parent: this };

    const keys = new aws.secretsmanager.Secret(
      "datadog-keys",
      {
        name: args.keysSecretName,
        description:
          'Datadog API and application keys of this environment ({"api-key": …, "app-key": …}): set by an operator, read by the Datadog agent and the canary analysis',
        kmsKeyId: args.keyArn,
        recoveryWindowInDays: args.secretRecoveryWindowDays,
        tags: nameTag(naming, "datadog-keys"),
      },
      { parent: this, protect: args.protect },
    );
    this.keysSecretArn = keys.arn;

    const dd = new datadog.Provider("datadog", { apiUrl: datadogApiUrl(args.site) }, parent);
    const inDatadog = { parent: this, provider: dd };
    const tags = [`env:${env}`, "service:payments", "managed-by:pulumi"];

    // ── the AWS integration: CloudWatch metrics of the queue and the worker ──
    const externalId = new datadog.aws.IntegrationExternalId("datadog-external-id", {}, inDatadog);
    const roleName = physicalName(naming, "datadog-integration");
    const role = new aws.iam.Role(
      "datadog-integration-role",
      {
        name: roleName,
        description: "Datadog's AWS integration: reads CloudWatch metrics of the payments queue and worker",
        assumeRolePolicy: externalId.id.apply((id) =>
          toJson(
            policy({
              Sid: "DatadogAssumesWithItsExternalId",
              Effect: "Allow",
              Principal: { AWS: `arn:aws:iam::${DATADOG_AWS_ACCOUNT}:root` },
              Action: "sts:AssumeRole",
              Condition: { StringEquals: { "sts:ExternalId": id } },
            }),
          ),
        ),
        tags: nameTag(naming, "datadog-integration"),
      },
      parent,
    );
    const read = new aws.iam.RolePolicy(
      "datadog-integration-read",
      {
        role: role.id,
        policy: toJson(
          policy({
            Sid: "ReadMetricsAndTheirResources",
            Effect: "Allow",
            // Metric and resource listings are not resource-scoped in IAM.
            Action: [
              "cloudwatch:GetMetricData",
              "cloudwatch:GetMetricStatistics",
              "cloudwatch:ListMetrics",
              "sqs:ListQueues",
              "lambda:ListFunctions",
              "lambda:ListTags",
              "tag:GetResources",
              "tag:GetTagKeys",
              "tag:GetTagValues",
            ],
            Resource: "*",
          }),
        ),
      },
      parent,
    );
    new datadog.aws.IntegrationAccount(
      "datadog-aws-integration",
      {
        awsAccountId: args.accountId,
        awsPartition: "aws",
        accountTags: [`env:${env}`],
        authConfig: { awsAuthConfigRole: { roleName, externalId: externalId.id } },
        awsRegions: { includeOnlies: [args.region] },
        metricsConfig: { namespaceFilters: { includeOnlies: [...DATADOG_METRIC_NAMESPACES] } },
        logsConfig: { lambdaForwarder: {} },
        resourcesConfig: { cloudSecurityPostureManagementCollection: false, extendedCollection: false },
        tracesConfig: { xrayServices: {} },
      },
      { ...inDatadog, dependsOn: [role, read] },
    );

    // ── monitors and the SLO ──
    const notify = args.notify.join(" ");
    this.monitorIds = {};
    const sloMonitors: pulumi.Output<number>[] = [];
    for (const m of args.monitors) {
      const monitor = new datadog.Monitor(
        `monitor-${m.id}`,
        {
          name: m.name,
          type: "query alert",
          query: m.query,
          message: `${m.description}\n\n${notify}`,
          monitorThresholds: { critical: String(m.critical) },
          notifyNoData: false,
          requireFullWindow: false,
          includeTags: true,
          tags,
        },
        inDatadog,
      );
      this.monitorIds[m.id] = monitor.id;
      if (m.slo) sloMonitors.push(monitor.id.apply((id) => Number(id)));
    }
    const slo = new datadog.ServiceLevelObjective(
      "payments-slo",
      {
        name: `[${env}] payments: p95 latency < ${PAYMENTS_SLO.latencyThresholdSeconds} s and errors < ${PAYMENTS_SLO.errorRateThreshold * 100} %`,
        description:
          "payments-web and payments-api within the latency and error-rate thresholds the prod canary analysis also enforces (src/observability/payments-slo.ts).",
        type: "monitor",
        monitorIds: sloMonitors,
        thresholds: [
          {
            timeframe: PAYMENTS_SLO.timeframe,
            target: PAYMENTS_SLO.targetPercent,
            warning: PAYMENTS_SLO.warningPercent,
          },
        ],
        tags,
      },
      inDatadog,
    );
    this.sloId = slo.id;
    this.registerOutputs({ keysSecretArn: this.keysSecretArn, sloId: this.sloId });
  }
}

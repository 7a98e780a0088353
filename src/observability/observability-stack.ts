import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { datadogKeysSecretName } from "../cluster";
import type { StackBasics } from "../core/config-loader";
import { PaymentsMonitoring } from "./monitoring";
import type { ObservabilityConfig } from "./observability-config";
import { monitorDefinitions } from "./payments-slo";

/** What observability reads of an environment stack's model. */
export type ObservabilityStackConfig = StackBasics & {
  readonly observability: ObservabilityConfig;
  readonly alarms: { readonly workerErrors: number };
  readonly payments: { readonly secretRecoveryWindowDays: number };
};

/** What observability needs from the data services: the key and the resources the monitors watch. */
export interface ObservabilityTargets {
  readonly keyArn: pulumi.Input<string>;
  readonly dlqName: string;
  readonly workerFunctionName: string;
}

/** The environment's Datadog keys entry, AWS integration, monitors and SLO. Returns the stack outputs it adds. */
export function observabilityStack(
  cfg: ObservabilityStackConfig,
  targets: ObservabilityTargets,
  provider: aws.Provider,
) {
  const monitoring = new PaymentsMonitoring(
    "observability",
    {
      naming: { project: cfg.project, stack: cfg.stack },
      accountId: cfg.accountId,
      region: cfg.region,
      site: cfg.observability.datadogSite,
      notify: cfg.observability.notify,
      monitors: monitorDefinitions({
        environment: cfg.stack,
        dlq: targets.dlqName,
        workerFunction: targets.workerFunctionName,
        workerErrors: cfg.alarms.workerErrors,
      }),
      keysSecretName: datadogKeysSecretName(cfg.stack),
      keyArn: targets.keyArn,
      secretRecoveryWindowDays: cfg.payments.secretRecoveryWindowDays,
      protect: cfg.info.productionGrade,
    },
    { provider },
  );
  return { datadogKeysSecretArn: monitoring.keysSecretArn, paymentsSloId: monitoring.sloId };
}

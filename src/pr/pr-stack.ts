import type * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { EXTERNAL_SECRETS_ROLE, roleKubeconfig } from "../cluster";
import type { BaseEnvironmentOutputs } from "../core/base-environment-outputs";
import { boundedName } from "../core/naming";
import { iamRoleArn } from "../core/policy-document";
import { prPermissionsBoundaryArn } from "../core/pr-names";
import type { PrConfig } from "./pr-config";
import { PrData, PrNamespace, PrWorkloads } from "./pr-resources";

/**
 * A PR environment on its base environment (`pr-<number>` on dev): its own data (key, payload
 * bucket, queue and DLQ, table, secrets), its workload identities bound in its namespace on the
 * base cluster, and the namespace itself, reached through a Kubernetes provider for the base
 * cluster acting as `platform-pr-environments`. Nothing of the base environment is created or
 * changed. Returns the stack outputs the PR workflow reads.
 */
export function prEnvironmentStack(cfg: PrConfig, base: BaseEnvironmentOutputs, provider: aws.Provider) {
  if (base.accountId !== cfg.accountId || base.region !== cfg.region) {
    throw new Error(
      `the ${cfg.base} stack's outputs name account ${base.accountId} in ${base.region}; its stack file says ${cfg.accountId} in ${cfg.region}`,
    );
  }
  const naming = { project: cfg.project, stack: cfg.stack };
  const opts = { provider };

  const data = new PrData(
    "pr-data",
    {
      naming,
      accountId: cfg.accountId,
      region: cfg.region,
      secretPrefix: cfg.secretPrefix,
      archivePrefix: cfg.payments.archivePrefix,
      queue: cfg.payments.queue,
    },
    opts,
  );

  const w = cfg.payments.workloads;
  const workloads = new PrWorkloads(
    "pr-workloads",
    {
      naming,
      accountId: cfg.accountId,
      cluster: {
        name: base.clusterName,
        arn: `arn:aws:eks:${cfg.region}:${cfg.accountId}:cluster/${base.clusterName}`,
      },
      namespace: cfg.namespace,
      serviceAccounts: {
        api: w.api.serviceAccount,
        admin: w.admin.serviceAccount,
        worker: w.worker.serviceAccount,
      },
      resources: data.resources,
      permissionsBoundaryArn: prPermissionsBoundaryArn(cfg.accountId),
      // The base cluster's External Secrets operator (its Pod Identity role, named by the cluster area).
      externalSecretsRoleArn: iamRoleArn(
        cfg.accountId,
        boundedName({ project: cfg.project, stack: cfg.base }, 64, EXTERNAL_SECRETS_ROLE),
      ),
    },
    opts,
  );

  const kubeconfig = JSON.stringify(
    roleKubeconfig({
      clusterName: base.clusterName,
      api: { server: base.clusterEndpoint, caData: base.clusterCertificateAuthority },
      region: cfg.region,
      roleArn: cfg.deployRoleArn,
      sessionName: `pulumi-${cfg.project}-${cfg.stack}`,
    }),
  );
  const cluster = new k8s.Provider(`k8s-${cfg.base}`, { kubeconfig, enableServerSideApply: true });
  new PrNamespace(
    "pr-namespace",
    {
      namespace: cfg.namespace,
      pullRequest: cfg.pullRequest,
      region: cfg.region,
      secretsReaderRoleArn: workloads.secretsReaderRoleArn,
      provider: cluster,
    },
    { dependsOn: [workloads] },
  );

  return {
    accountId: cfg.accountId,
    region: cfg.region,
    pullRequest: cfg.pullRequest,
    baseEnvironment: cfg.base,
    vpcId: base.vpcId,
    clusterName: base.clusterName,
    namespace: cfg.namespace,
    secretPrefix: cfg.secretPrefix,
    dataKeyArn: data.keyArn,
    paymentsTableName: data.tableName,
    payloadBucketName: data.bucketName,
    paymentsQueueUrl: data.queueUrl,
    paymentsDlqUrl: data.dlqUrl,
    workloadRoleArns: workloads.roleArns,
  };
}

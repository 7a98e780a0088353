import { ConfigError, type ConfigIssue, PROJECT, type Tags } from "../core/config-loader";
import {
  type EnvironmentName,
  isMalformedPrStackName,
  isPrStackName,
  PR_BASE_ENVIRONMENT,
  type PrStackName,
  prNumber,
  stackFileName,
} from "../core/environments";
import { iamRoleArn } from "../core/policy-document";
import { PR_ENVIRONMENTS_ROLE_NAME, PR_NAMESPACE_PREFIX } from "../core/pr-names";
import type { PaymentsConfig } from "../data";

/**
 * The model of a PR environment (`pr-<number>`). A PR stack has no committed stack file: it takes
 * its account, region, owner, cost center and payments settings from the base environment's
 * validated model (`PR_BASE_ENVIRONMENT`, dev), and adds what makes it its own: the pull request's
 * number, its Kubernetes namespace on the base cluster, its secrets path and the role it deploys
 * with (`platform-pr-environments`, not the base's deploy role). Its own stack config may hold
 * Pulumi's and the AWS provider's keys, never `platform:` keys.
 */

/** What a PR stack reads of its base environment's model. */
export interface PrBase {
  readonly stack: EnvironmentName;
  readonly project: string;
  readonly region: string;
  readonly accountId: string;
  readonly owner: string;
  readonly costCenter: string;
  readonly payments: Pick<PaymentsConfig, "archivePrefix" | "queue" | "workloads" | "worker">;
}

export interface PrConfig {
  readonly role: "pr";
  readonly project: string;
  readonly stack: PrStackName;
  /** The pull request's number. */
  readonly pullRequest: number;
  /** The environment it is built on (its account, VPC and cluster). */
  readonly base: EnvironmentName;
  readonly region: string;
  readonly accountId: string;
  /** `platform-pr-environments` in the base account: what the stack's provider assumes. */
  readonly deployRoleArn: string;
  readonly tags: Tags;
  /** `payments-pr-<number>` on the base cluster. */
  readonly namespace: string;
  /** `pr-<number>/payments/`: the secrets the PR's workloads read (External Secrets path). */
  readonly secretPrefix: string;
  readonly payments: PrBase["payments"];
}

/** A stack name that is not a PR environment's, explained. */
export function prStackNameIssue(stack: string): ConfigIssue | undefined {
  if (isPrStackName(stack)) return undefined;
  if (!isMalformedPrStackName(stack)) return undefined;
  return {
    key: "stack",
    message: `"${stack}" is not a PR environment stack name: expected pr-<number>, the pull request's number without leading zeros (pr-123)`,
  };
}

/**
 * The PR environment's model from its base environment's validated model and its own stack config
 * (Pulumi's flat `namespace:key` map). Throws `ConfigError` naming the PR stack's file.
 */
export function prConfigFrom(
  stack: PrStackName,
  base: PrBase,
  ownConfig: Readonly<Record<string, string>>,
): PrConfig {
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(ownConfig).sort()) {
    if (key.startsWith(`${PROJECT}:`)) {
      issues.push({
        key,
        message: `a PR environment takes its settings from ${stackFileName(base.stack)}; remove ${key} from ${stackFileName(stack)}`,
      });
    }
  }
  const region = ownConfig["aws:region"];
  if (region !== undefined && region !== base.region) {
    issues.push({
      key: "aws:region",
      message: `a PR environment runs in its base environment's region (${base.region}, ${stackFileName(base.stack)}); got ${region}`,
    });
  }
  if (base.stack !== PR_BASE_ENVIRONMENT) {
    issues.push({
      key: "stack",
      message: `PR environments are built on ${PR_BASE_ENVIRONMENT}, not ${base.stack}`,
    });
  }
  if (issues.length > 0) throw new ConfigError(stack, issues);

  const pullRequest = prNumber(stack);
  return {
    role: "pr",
    project: base.project,
    stack,
    pullRequest,
    base: base.stack,
    region: base.region,
    accountId: base.accountId,
    deployRoleArn: iamRoleArn(base.accountId, PR_ENVIRONMENTS_ROLE_NAME),
    tags: {
      Project: base.project,
      Environment: stack,
      Owner: base.owner,
      CostCenter: base.costCenter,
      ManagedBy: "pulumi",
      PullRequest: String(pullRequest),
    },
    namespace: `${PR_NAMESPACE_PREFIX}${pullRequest}`,
    secretPrefix: `${stack}/payments/`,
    payments: {
      archivePrefix: base.payments.archivePrefix,
      queue: base.payments.queue,
      workloads: base.payments.workloads,
      worker: base.payments.worker,
    },
  };
}

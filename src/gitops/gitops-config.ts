import semver from "semver";
import { z } from "zod";
import type { ClusterConfig } from "../cluster";
import { dnsName, hostedZoneId } from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";
import { ENVIRONMENT_STACKS, type EnvironmentName, STACKS } from "../core/environments";
import { ARGOCD_DEPLOYER_ROLE_NAME } from "./gitops-iam";

/**
 * `platform:gitops`: how ArgoCD in the management cluster deploys the payments chart.
 *
 * - In the management stack: the environments the hub serves and the chart repository (a name of
 *   `platform:registries.charts`) ArgoCD pulls from.
 * - In an environment stack: the chart version the environment runs (written into its cluster
 *   secret in the hub, which the ApplicationSet reads) and whether ArgoCD syncs it automatically.
 *
 * Rules that span keys or depend on the stack are in `GITOPS_RULES`.
 */

/** The environments ArgoCD can deploy to (the application environment stacks). */
export const GITOPS_ENVIRONMENTS = ENVIRONMENT_STACKS;
export type GitOpsEnvironment = EnvironmentName;

/**
 * An exact SemVer 2.0 release without build metadata: OCI tags cannot carry `+`, and ArgoCD must get
 * one exact release, never a range. `semver` normalises ("v1.2.3" → "1.2.3", "1.2.3+b" → "1.2.3"),
 * so a version is exact when it is its own normal form.
 */
export function isExactVersion(v: string): boolean {
  return semver.valid(v) === v;
}

export const chartVersion = z
  .string()
  .refine(
    isExactVersion,
    "expected an exact chart version such as 1.4.2 or 1.5.0-rc.1 (SemVer, no range, no +build)",
  );

/** Orders two SemVer versions (negative, 0, positive), pre-releases before their release. */
export function compareVersions(a: string, b: string): number {
  for (const v of [a, b]) if (!isExactVersion(v)) throw new Error(`"${v}" is not a SemVer version`);
  return semver.compare(a, b);
}

/** `platform:gitops` of an environment stack. */
export const gitopsEnvironmentSchema = z
  .object({
    /** The payments chart version this environment runs (its cluster secret's chart-version annotation). */
    chartVersion,
    /** ArgoCD syncs the environment automatically (prune and self-heal); never in prod. */
    autoSync: z.boolean({ error: "expected true or false" }),
  })
  .strict();

/** `platform:gitops` of the management stack. */
export const gitopsHubSchema = z
  .object({
    /**
     * The environments the hub deploys to: the ApplicationSet's selector and the ArgoCD role's
     * reach. Every environment of src/core/environment-list.ts unless the stack narrows it.
     */
    environments: z
      .array(
        z.enum(GITOPS_ENVIRONMENTS as [EnvironmentName, ...EnvironmentName[]], {
          error: `expected one of ${GITOPS_ENVIRONMENTS.join(", ")}`,
        }),
      )
      .min(1, "at least one environment")
      .refine((envs) => new Set(envs).size === envs.length, { message: "environments must be unique" })
      .default([...GITOPS_ENVIRONMENTS]),
    /**
     * ArgoCD's API on the management VPC (the promotion pipelines reach it over the tailnet): its
     * DNS name, on an internal load balancer with an ACM certificate for it, and the Route 53 zone
     * the name and the certificate's validation record go in.
     */
    api: z
      .object({
        hostname: dnsName("argocd.platform.example.com"),
        hostedZoneId,
      })
      .strict(),
    /** The chart ArgoCD deploys: a name in platform:registries.charts (pushed as charts/<name>). */
    chartRepository: z
      .string()
      .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, "expected a chart repository name such as payments"),
  })
  .strict();

export const gitopsEnvironmentShape = { gitops: gitopsEnvironmentSchema };
export const gitopsManagementShape = { gitops: gitopsHubSchema };

export type GitOpsEnvironmentConfig = z.infer<typeof gitopsEnvironmentSchema>;
export type GitOpsHubConfig = z.infer<typeof gitopsHubSchema>;

function environmentSide(s: object): GitOpsEnvironmentConfig | undefined {
  const g = (s as { gitops?: object }).gitops;
  return g && "chartVersion" in g ? (g as GitOpsEnvironmentConfig) : undefined;
}

function hubSide(s: object): { gitops: GitOpsHubConfig; charts: readonly string[] } | undefined {
  const g = (s as { gitops?: object }).gitops;
  const charts = (s as { registries?: { charts?: readonly string[] } }).registries?.charts;
  return g && "environments" in g ? { gitops: g as GitOpsHubConfig, charts: charts ?? [] } : undefined;
}

/** GitOps rules: each names the full key and what was expected. */
export const GITOPS_RULES: Rule<{ cluster: Pick<ClusterConfig, "access"> }>[] = [
  function prodSyncsManually(s, { stack }) {
    const g = environmentSide(s);
    if (!g || !STACKS[stack].gated || !g.autoSync) return [];
    return [
      {
        key: "platform:gitops.autoSync",
        message: `${stack} is synced by hand after the release is approved: set autoSync: false (ArgoCD then only reports ${stack} as OutOfSync)`,
      },
    ];
  },

  function chartVersionReleased(s, { latestChartVersion }) {
    const g = environmentSide(s);
    if (!g || latestChartVersion === undefined) return [];
    let newer = false;
    try {
      newer = compareVersions(g.chartVersion, latestChartVersion) > 0;
    } catch {
      return []; // a malformed Chart.yaml version is the chart tests' finding
    }
    if (!newer) return [];
    return [
      {
        key: "platform:gitops.chartVersion",
        message: `${g.chartVersion} is newer than charts/payments/Chart.yaml (${latestChartVersion}): no such chart can have been released; release it first (a chart change merged to main is released by .github/workflows/chart.yml)`,
      },
    ];
  },

  function deployerIsNotAClusterAccessEntry(s) {
    if (!environmentSide(s)) return [];
    const out: RuleIssue[] = [];
    for (const level of ["admin", "deploy", "readOnly"] as const) {
      s.cluster.access[level].forEach((arn, i) => {
        if (arn.endsWith(`:role/${ARGOCD_DEPLOYER_ROLE_NAME}`)) {
          out.push({
            key: `platform:cluster.access.${level}[${i}]`,
            message: `${ARGOCD_DEPLOYER_ROLE_NAME} gets its access entry from platform:gitops, scoped to the namespaces ArgoCD deploys into; a cluster-wide grant would widen it and collide with that entry`,
          });
        }
      });
    }
    return out;
  },

  function chartRepositoryIsARegistry(s) {
    const h = hubSide(s);
    if (!h || h.charts.includes(h.gitops.chartRepository)) return [];
    return [
      {
        key: "platform:gitops.chartRepository",
        message: `"${h.gitops.chartRepository}" is not in platform:registries.charts (${h.charts.join(", ")}); ArgoCD can only pull a chart the management ECR holds`,
      },
    ];
  },

  function servedEnvironmentsHaveAccounts(s, { peers }) {
    const h = hubSide(s);
    if (!h) return [];
    const out: RuleIssue[] = [];
    h.gitops.environments.forEach((env, i) => {
      if (!peers[env]?.accountId) {
        out.push({
          key: `platform:gitops.environments[${i}]`,
          message: `Pulumi.${env}.yaml declares no platform:accountId; the ArgoCD role needs the ${env} account to reach its deployer role`,
        });
      }
    });
    return out;
  },
];

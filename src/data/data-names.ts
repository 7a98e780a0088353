import { boundedName, type NameContext, physicalName } from "../core/naming";

/**
 * Physical names (and the ARNs that follow from them) of the data services of one environment.
 * They are fixed strings, so policies, alarms and the replay runbook can name a resource
 * before it exists, and a cycle (the domain's access policy needs the roles, the roles'
 * policies need the domain) never forms.
 */
export interface DataNames {
  readonly table: string;
  readonly archiveBucket: string;
  readonly assetsBucket: string;
  readonly queue: string;
  readonly dlq: string;
  readonly workerFunction: string;
  readonly workerLogGroup: string;
  readonly database: string;
  readonly replicas: readonly string[];
  readonly searchDomain: string;
  readonly searchLogGroups: {
    readonly indexSlow: string;
    readonly searchSlow: string;
    readonly application: string;
  };
  readonly configurationSet: string;
  readonly alertsTopic: string;
  readonly secretPrefix: string;
  readonly providerApiKeySecret: string;
}

/**
 * The secrets the application chart (`charts/payments`) reads through External Secrets, each
 * `<environment>/payments/<name>`: one per workload (those that call the payment provider get its
 * API key there). The Datadog keys of the canary analysis are the environment's
 * `<environment>/observability/datadog` input (`src/observability/`).
 */
export const CHART_WORKLOADS = [
  { workload: "payments-web", withProviderKey: false },
  { workload: "payments-api", withProviderKey: true },
  { workload: "admin-web", withProviderKey: false },
  { workload: "payments-worker", withProviderKey: true },
] as const;

/** Name of the payment provider's API key under the environment's secret path. */
export const PROVIDER_API_KEY_SECRET = "provider-api-key";

export function dataNames(naming: NameContext, accountId: string, readReplicas: number): DataNames {
  const logPrefix = `/platform/${naming.stack}`;
  return {
    table: physicalName(naming, "payments"),
    // Bucket names are global: the account id keeps them unique (and at most 63 characters).
    archiveBucket: boundedName(naming, 63, "payments-archive", accountId),
    assetsBucket: boundedName(naming, 63, "static-assets", accountId),
    queue: physicalName(naming, "payments"),
    dlq: physicalName(naming, "payments-dlq"),
    workerFunction: boundedName(naming, 64, "payments-worker"),
    workerLogGroup: `${logPrefix}/payments-worker`,
    database: boundedName(naming, 63, "payments-db"),
    replicas: Array.from({ length: readReplicas }, (_, i) =>
      boundedName(naming, 63, "payments-db-replica", `${i + 1}`),
    ),
    // OpenSearch domain names: 3 to 28 characters.
    searchDomain: boundedName(naming, 28, "payments"),
    searchLogGroups: {
      indexSlow: `${logPrefix}/opensearch/index-slow`,
      searchSlow: `${logPrefix}/opensearch/search-slow`,
      application: `${logPrefix}/opensearch/application`,
    },
    configurationSet: physicalName(naming, "payments-email"),
    alertsTopic: physicalName(naming, "alerts"),
    secretPrefix: `${naming.stack}/payments/`,
    providerApiKeySecret: `${naming.stack}/payments/${PROVIDER_API_KEY_SECRET}`,
  };
}

/** The log group prefix every data-service log group of the stack lives under. */
export function logGroupPrefix(naming: NameContext): string {
  return `/platform/${naming.stack}/`;
}

export interface ArnContext {
  readonly accountId: string;
  readonly region: string;
}

export const arns = {
  queue: (c: ArnContext, name: string) => `arn:aws:sqs:${c.region}:${c.accountId}:${name}`,
  table: (c: ArnContext, name: string) => `arn:aws:dynamodb:${c.region}:${c.accountId}:table/${name}`,
  bucket: (name: string) => `arn:aws:s3:::${name}`,
  searchDomain: (c: ArnContext, name: string) => `arn:aws:es:${c.region}:${c.accountId}:domain/${name}`,
  function: (c: ArnContext, name: string) => `arn:aws:lambda:${c.region}:${c.accountId}:function:${name}`,
  logGroup: (c: ArnContext, name: string) => `arn:aws:logs:${c.region}:${c.accountId}:log-group:${name}`,
  eksCluster: (c: ArnContext, name: string) => `arn:aws:eks:${c.region}:${c.accountId}:cluster/${name}`,
  /** `rds-db:connect` target: one database user on one instance (by its DbiResourceId). */
  dbUser: (c: ArnContext, resourceId: string, user: string) =>
    `arn:aws:rds-db:${c.region}:${c.accountId}:dbuser:${resourceId}/${user}`,
  topic: (c: ArnContext, name: string) => `arn:aws:sns:${c.region}:${c.accountId}:${name}`,
  emailIdentity: (c: ArnContext, domain: string) =>
    `arn:aws:ses:${c.region}:${c.accountId}:identity/${domain}`,
  configurationSet: (c: ArnContext, name: string) =>
    `arn:aws:ses:${c.region}:${c.accountId}:configuration-set/${name}`,
};

/**
 * The payment stores of an environment whose reads and writes the organization trail records as
 * data events (the raw-payload archive and the payments table), named as the environment names
 * them: the management stack derives them from the environment's stack file, without its outputs.
 */
export function auditedPaymentStores(
  naming: NameContext,
  at: ArnContext,
): { readonly archiveBucket: string; readonly tableArn: string } {
  const names = dataNames(naming, at.accountId, 0);
  return { archiveBucket: names.archiveBucket, tableArn: arns.table(at, names.table) };
}

/**
 * The pipeline's alarms as a table: each names the metric, the dimension that picks the
 * resource, the statistic and the threshold. Built from config and the resources' fixed names,
 * so the table is tested without creating anything.
 */
export interface AlarmDefinition {
  /** Logical suffix and physical name suffix. */
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Average" | "Maximum" | "Minimum" | "Sum";
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly threshold: number;
  readonly comparisonOperator:
    | "GreaterThanThreshold"
    | "GreaterThanOrEqualToThreshold"
    | "LessThanThreshold"
    | "LessThanOrEqualToThreshold";
  readonly treatMissingData: "notBreaching" | "breaching" | "missing";
}

export interface AlarmThresholds {
  readonly queueOldestMessageSeconds: number;
  readonly workerErrors: number;
  readonly rdsCpuPercent: number;
  readonly rdsFreeStorageGiB: number;
  readonly replicaLagSeconds: number;
}

export interface AlarmTargets {
  readonly accountId: string;
  readonly queue: string;
  readonly dlq: string;
  readonly workerFunction: string;
  readonly database: string;
  readonly replicas: readonly string[];
  readonly table: string;
  readonly searchDomain: string;
}

const GIB = 1024 ** 3;

export function alarmDefinitions(t: AlarmThresholds, n: AlarmTargets): AlarmDefinition[] {
  const base = { periodSeconds: 300, evaluationPeriods: 1, treatMissingData: "notBreaching" as const };
  const rds = (id: string) => ({ DBInstanceIdentifier: id });
  const instances = [
    { label: "db", id: n.database },
    ...n.replicas.map((id, i) => ({ label: `db-replica-${i + 1}`, id })),
  ];
  return [
    {
      ...base,
      id: "dlq-not-empty",
      description: `Payments failed after every retry and are in ${n.dlq}; inspect, fix, then replay (docs/replay.md)`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: n.dlq },
      statistic: "Maximum",
      periodSeconds: 60,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    },
    {
      ...base,
      id: "queue-oldest-message",
      description: `The oldest message on ${n.queue} is older than ${t.queueOldestMessageSeconds} s: the worker is behind or failing`,
      namespace: "AWS/SQS",
      metricName: "ApproximateAgeOfOldestMessage",
      dimensions: { QueueName: n.queue },
      statistic: "Maximum",
      periodSeconds: 60,
      evaluationPeriods: 5,
      threshold: t.queueOldestMessageSeconds,
      comparisonOperator: "GreaterThanThreshold",
    },
    {
      ...base,
      id: "worker-errors",
      description: `${n.workerFunction} reported more than ${t.workerErrors} errors in 5 minutes`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: n.workerFunction },
      statistic: "Sum",
      threshold: t.workerErrors,
      comparisonOperator: "GreaterThanThreshold",
    },
    {
      ...base,
      id: "worker-throttles",
      description: `${n.workerFunction} was throttled (reserved concurrency reached)`,
      namespace: "AWS/Lambda",
      metricName: "Throttles",
      dimensions: { FunctionName: n.workerFunction },
      statistic: "Sum",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    },
    ...instances.flatMap(({ label, id }): AlarmDefinition[] => [
      {
        ...base,
        id: `${label}-cpu`,
        description: `${id} average CPU above ${t.rdsCpuPercent}% for 15 minutes`,
        namespace: "AWS/RDS",
        metricName: "CPUUtilization",
        dimensions: rds(id),
        statistic: "Average",
        evaluationPeriods: 3,
        threshold: t.rdsCpuPercent,
        comparisonOperator: "GreaterThanThreshold",
      },
      {
        ...base,
        id: `${label}-free-storage`,
        description: `${id} has less than ${t.rdsFreeStorageGiB} GiB of free storage`,
        namespace: "AWS/RDS",
        metricName: "FreeStorageSpace",
        dimensions: rds(id),
        statistic: "Minimum",
        threshold: t.rdsFreeStorageGiB * GIB,
        comparisonOperator: "LessThanThreshold",
      },
    ]),
    ...n.replicas.map(
      (id, i): AlarmDefinition => ({
        ...base,
        id: `db-replica-${i + 1}-lag`,
        description: `${id} lags the primary by more than ${t.replicaLagSeconds} s`,
        namespace: "AWS/RDS",
        metricName: "ReplicaLag",
        dimensions: rds(id),
        statistic: "Maximum",
        periodSeconds: 60,
        evaluationPeriods: 5,
        threshold: t.replicaLagSeconds,
        comparisonOperator: "GreaterThanThreshold",
      }),
    ),
    ...(["ReadThrottleEvents", "WriteThrottleEvents"] as const).map(
      (metricName): AlarmDefinition => ({
        ...base,
        id: `table-${metricName === "ReadThrottleEvents" ? "read" : "write"}-throttles`,
        description: `${n.table} throttled ${metricName === "ReadThrottleEvents" ? "reads" : "writes"}`,
        namespace: "AWS/DynamoDB",
        metricName,
        dimensions: { TableName: n.table },
        statistic: "Sum",
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
      }),
    ),
    {
      ...base,
      id: "search-cluster-red",
      description: `${n.searchDomain} cluster status is red: at least one primary shard is unassigned`,
      namespace: "AWS/ES",
      metricName: "ClusterStatus.red",
      dimensions: { DomainName: n.searchDomain, ClientId: n.accountId },
      statistic: "Maximum",
      periodSeconds: 60,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
    },
  ];
}

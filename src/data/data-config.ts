import { z } from "zod";
import { overlaps } from "../core/cidr";
import {
  dailyOverlapsWeekly,
  dailyWindow,
  dnsName,
  hostedZoneId,
  ipv4Block,
  parseDailyWindow,
  parseWeeklyWindow,
  weeklyWindow,
} from "../core/config-primitives";
import type { Rule, RuleIssue } from "../core/config-rules";
import { MANAGEMENT_STACK, STACKS, stackFileName } from "../core/environments";

/**
 * Keys of the environment stacks' data services and payments pipeline: RDS PostgreSQL, the
 * DynamoDB payments table, the S3 payload archive, SQS with its DLQ, the worker, OpenSearch,
 * SES and the alarms. Rules that span keys or depend on the stack are in `DATA_RULES`.
 */

// Primitives are defined here rather than imported from `../schema`, which imports this file.
const int = (min: number, max: number, what: string) =>
  z
    .number({ error: `expected a whole number of ${what}` })
    .int(`expected a whole number of ${what}`)
    .min(min, `expected at least ${min} ${what}`)
    .max(max, `expected at most ${max} ${what}`);
const pgIdentifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, "expected a PostgreSQL identifier (lowercase letter, then a-z, 0-9, _)");
const k8sName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "expected a Kubernetes name (RFC 1123 label)");
/** The retention periods CloudWatch Logs accepts that the platform uses. */
const logRetentionDays = z.union(
  [7, 14, 30, 60, 90, 180, 365, 731].map((d) => z.literal(d)) as unknown as [
    z.ZodLiteral<number>,
    z.ZodLiteral<number>,
    ...z.ZodLiteral<number>[],
  ],
  { error: "expected one of the CloudWatch Logs retention periods 7, 14, 30, 60, 90, 180, 365 or 731" },
);

/** RDS Performance Insights keeps 7 days (free tier), or whole months (31-day multiples) up to 731 days. */
export function isPerformanceInsightsRetention(days: number): boolean {
  return (
    days === 7 || days === 731 || (Number.isInteger(days) && days % 31 === 0 && days >= 31 && days <= 713)
  );
}

export const databaseSchema = z
  .object({
    /** RDS instance class of the primary and of every read replica, e.g. db.r6g.large. */
    instanceClass: z
      .string()
      .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "expected an RDS instance class such as db.r6g.large"),
    /** Initial gp3 storage of the primary, in GiB (RDS PostgreSQL: 20 to 65536). */
    allocatedStorageGiB: int(20, 65536, "GiB"),
    /** Ceiling for storage autoscaling, in GiB; at least `allocatedStorageGiB`. */
    maxAllocatedStorageGiB: int(20, 65536, "GiB"),
    /** The application database created on the primary. */
    databaseName: pgIdentifier,
    /** The master user; its password is generated and rotated by RDS in Secrets Manager. */
    masterUsername: pgIdentifier,
    /** Database users that authenticate with IAM (`rds-db:connect`), one per workload. */
    iamUsers: z
      .object({
        /** The worker's user (writes transactions on the primary). */
        worker: pgIdentifier,
        /** The payments API's user. */
        api: pgIdentifier,
        /** The admin tool's read-only user (replicas). */
        admin: pgIdentifier,
      })
      .strict(),
    /** Synchronous standby in a second AZ. Required in production-grade stacks. */
    multiAz: z.boolean(),
    /** Read replicas of the primary, for read scale (0 to 15, the PostgreSQL limit). */
    readReplicas: int(0, 15, "read replicas"),
    /** Days of automated backups (point-in-time recovery); RDS allows 1 to 35. */
    backupRetentionDays: int(1, 35, "days (RDS keeps automated backups for 1 to 35 days)"),
    /** Daily backup window, UTC, `hh:mm-hh:mm`; must not overlap the maintenance window. */
    backupWindow: dailyWindow,
    /** Weekly maintenance window, UTC, `ddd:hh:mm-ddd:hh:mm`. */
    maintenanceWindow: weeklyWindow,
    /** Performance Insights retention: 7, a multiple of 31 up to 713, or 731 days. */
    performanceInsightsRetentionDays: z.number().refine(isPerformanceInsightsRetention, {
      message:
        "expected 7, a multiple of 31 between 31 and 713, or 731 days (Performance Insights retention)",
    }),
    /** Enhanced monitoring granularity in seconds (1, 5, 10, 15, 30 or 60). */
    monitoringIntervalSeconds: z.union(
      [z.literal(1), z.literal(5), z.literal(10), z.literal(15), z.literal(30), z.literal(60)],
      { error: "expected an enhanced monitoring interval of 1, 5, 10, 15, 30 or 60 seconds" },
    ),
    /** Statements slower than this are logged (`log_min_duration_statement`), in ms. */
    slowStatementMs: int(100, 600000, "milliseconds"),
    /** RDS deletion protection on the primary and replicas. Required in prod. */
    deletionProtection: z.boolean(),
  })
  .strict();

export const workerSchema = z
  .object({
    /** The worker's container image in the management account's ECR (built by the application repository). */
    image: z
      .object({
        /** ECR repository URL: `<account>.dkr.ecr.<region>.amazonaws.com/<name>`. */
        repository: z
          .string()
          .regex(
            /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9][a-z0-9._/-]*$/,
            "expected an ECR repository URL such as 318274619203.dkr.ecr.eu-west-2.amazonaws.com/payments-worker",
          ),
        /** An immutable release tag; `latest` is rejected. */
        tag: z
          .string()
          .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "expected an image tag such as 1.4.2")
          .refine((t) => t.toLowerCase() !== "latest", {
            message: "expected an immutable release tag; `latest` moves under the function",
          }),
      })
      .strict(),
    /** CPU architecture the image is built for. */
    architecture: z.enum(["arm64", "x86_64"], { error: "expected arm64 or x86_64" }),
    /** Function timeout in seconds (Lambda: 1 to 900). */
    timeoutSeconds: int(1, 900, "seconds"),
    /** Function memory in MB (Lambda: 128 to 10240). */
    memoryMb: int(128, 10240, "MB"),
    /** Reserved concurrency: caps the worker so it cannot exhaust RDS connections. */
    reservedConcurrency: int(1, 1000, "concurrent executions"),
    /** Messages per invocation (SQS: 1 to 10000; above 10 needs a batching window). */
    batchSize: int(1, 10000, "messages"),
    /** How long the poller waits to fill a batch, in seconds (0 to 300). */
    maximumBatchingWindowSeconds: int(0, 300, "seconds"),
    /** Retention of the worker's log group. */
    logRetentionDays,
  })
  .strict();

const workloadSchema = z
  .object({
    /** Kubernetes namespace of the workload. */
    namespace: k8sName,
    /** Kubernetes service account bound to the workload's IAM role. */
    serviceAccount: k8sName,
  })
  .strict();

export const paymentsSchema = z
  .object({
    /** DynamoDB deletion protection on the payments table. Required in prod. */
    deletionProtection: z.boolean(),
    /** Raw payloads are archived under this key prefix; object-created events under it reach the queue. */
    archivePrefix: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_/-]*\/$/, "expected a key prefix ending in / such as payloads/"),
    /** Lifecycle of the payload archive. */
    archive: z
      .object({
        /** Days until objects move to STANDARD_IA (S3 minimum 30). */
        transitionToInfrequentAccessDays: int(30, 3650, "days"),
        /** Days until objects move to GLACIER_IR; after the STANDARD_IA transition. */
        transitionToGlacierDays: int(31, 3650, "days"),
        /** Days a replaced or deleted (noncurrent) version is kept. */
        noncurrentVersionExpirationDays: int(1, 3650, "days"),
      })
      .strict(),
    /** The payments queue and its dead-letter queue. */
    queue: z
      .object({
        /** Visibility timeout in seconds; at least 6 × the worker's timeout. */
        visibilityTimeoutSeconds: int(0, 43200, "seconds"),
        /** Main queue retention in days (1 to 14); shorter than the DLQ's. */
        messageRetentionDays: int(1, 14, "days"),
        /** Receives before a message goes to the DLQ (at least 1). */
        maxReceiveCount: int(1, 1000, "receives"),
        /** DLQ retention in days (SQS maximum 14); longer than the main queue's. */
        dlqRetentionDays: int(1, 14, "days"),
      })
      .strict(),
    /** The Lambda worker consuming the queue. */
    worker: workerSchema,
    /** Kubernetes workloads bound to IAM roles through EKS Pod Identity. */
    workloads: z
      .object({
        /** The payments API. */
        api: workloadSchema,
        /** The admin tool. */
        admin: workloadSchema,
        /** The in-cluster equivalent of the Lambda worker. */
        worker: workloadSchema,
      })
      .strict(),
    /** Days a deleted Secrets Manager secret can be restored (7 to 30). */
    secretRecoveryWindowDays: int(7, 30, "days"),
    /**
     * The payment provider's published API address ranges: the one internet destination the payments
     * API may reach (its NetworkPolicy egress, over HTTPS). /16 or narrower, never a private range.
     */
    providerEgressCidrs: z.array(ipv4Block(16, 32)).min(1, "at least the provider's API range"),
  })
  .strict();

export const searchSchema = z
  .object({
    /** Data node instance type, e.g. r6g.large.search. */
    instanceType: z
      .string()
      .regex(
        /^[a-z0-9]+\.[a-z0-9]+\.search$/,
        "expected an OpenSearch instance type such as r6g.large.search",
      ),
    /** Data nodes; divisible by `availabilityZoneCount`. */
    instanceCount: int(1, 80, "data nodes"),
    /** Zone awareness: 1 (off), 2 or 3 AZs. */
    availabilityZoneCount: z.union([z.literal(1), z.literal(2), z.literal(3)], {
      error: "expected 1 (no zone awareness), 2 or 3",
    }),
    /** Dedicated master instance type (three masters); unset for no dedicated masters. Required in prod. */
    dedicatedMasterType: z
      .string()
      .regex(
        /^[a-z0-9]+\.[a-z0-9]+\.search$/,
        "expected an OpenSearch instance type such as m6g.large.search",
      )
      .optional(),
    /** gp3 volume per data node, in GiB. */
    volumeSizeGiB: int(10, 16384, "GiB"),
    /** The payments index the worker writes and the API searches. */
    indexName: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,99}$/, "expected a lowercase index name such as payments"),
    /** Retention of the slow and error log groups. */
    logRetentionDays,
  })
  .strict();

export const emailSchema = z
  .object({
    /** The sending domain verified in SES (receipts and alerts come from it). */
    domain: dnsName("dev.payments.example.com"),
    /** The Route 53 hosted zone of `domain`, where the DKIM and MAIL FROM records go. */
    hostedZoneId,
    /** Custom MAIL FROM label: mail is sent from `<mailFromSubdomain>.<domain>`. */
    mailFromSubdomain: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "expected one DNS label such as mail"),
  })
  .strict();

export const alarmsSchema = z
  .object({
    /** Address subscribed to the alerts topic (must confirm the subscription); unset for none. */
    email: z.email("expected an email address").optional(),
    /** Alarm when the oldest message on the payments queue is older than this, in seconds. */
    queueOldestMessageSeconds: int(60, 1209600, "seconds"),
    /** Alarm when the worker reports more errors than this in five minutes. */
    workerErrors: int(0, 100000, "errors"),
    /** Alarm when an RDS instance's average CPU exceeds this percentage for fifteen minutes. */
    rdsCpuPercent: int(1, 100, "percent"),
    /** Alarm when an RDS instance's free storage falls below this, in GiB. */
    rdsFreeStorageGiB: int(1, 65536, "GiB"),
    /** Alarm when a read replica lags the primary by more than this, in seconds. */
    replicaLagSeconds: int(1, 86400, "seconds"),
  })
  .strict();

/** The data keys of an environment stack, spread into `environmentSchema`. */
export const dataShape = {
  database: databaseSchema,
  payments: paymentsSchema,
  search: searchSchema,
  email: emailSchema,
  alarms: alarmsSchema,
  /**
   * The external payment provider's API key, a Pulumi config secret
   * (`pulumi config set --secret platform:paymentProviderApiKey … --stack <env>`). Unset: the
   * Secrets Manager secret exists without a value until it is set.
   */
  paymentProviderApiKey: z.string().min(1, "must not be empty").optional(),
};

export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type PaymentsConfig = z.infer<typeof paymentsSchema>;
export type WorkerConfig = z.infer<typeof workerSchema>;
export type SearchConfig = z.infer<typeof searchSchema>;
export type EmailConfig = z.infer<typeof emailSchema>;
export type AlarmsConfig = z.infer<typeof alarmsSchema>;
export type DataSettings = z.infer<z.ZodObject<typeof dataShape>>;

/** SQS redelivers a message while the worker may still be running (and retrying) it unless the visibility timeout covers six worker timeouts. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

function dataOf(s: object): DataSettings | undefined {
  return "database" in s ? (s as unknown as DataSettings) : undefined;
}

/** Data rules: each names the full key and what was expected. */
export const DATA_RULES: Rule<{ network: { availabilityZones: readonly string[] } }>[] = [
  function visibilityCoversWorkerRetries(s) {
    const d = dataOf(s);
    if (!d) return [];
    const { queue, worker } = d.payments;
    const min = VISIBILITY_TIMEOUT_FACTOR * worker.timeoutSeconds;
    if (queue.visibilityTimeoutSeconds >= min) return [];
    return [
      {
        key: "platform:payments.queue.visibilityTimeoutSeconds",
        message: `must be at least ${VISIBILITY_TIMEOUT_FACTOR} × platform:payments.worker.timeoutSeconds (${worker.timeoutSeconds} s) = ${min} s; got ${queue.visibilityTimeoutSeconds} s`,
      },
    ];
  },

  function dlqOutlivesQueue(s) {
    const d = dataOf(s);
    if (!d) return [];
    const { queue } = d.payments;
    if (queue.dlqRetentionDays > queue.messageRetentionDays) return [];
    return [
      {
        key: "platform:payments.queue.dlqRetentionDays",
        message: `must be longer than platform:payments.queue.messageRetentionDays (${queue.messageRetentionDays}); a message keeps its original enqueue time in the DLQ and would expire there before it can be replayed`,
      },
    ];
  },

  function batchingWindowForLargeBatches(s) {
    const d = dataOf(s);
    if (!d) return [];
    const w = d.payments.worker;
    if (w.batchSize <= 10 || w.maximumBatchingWindowSeconds >= 1) return [];
    return [
      {
        key: "platform:payments.worker.maximumBatchingWindowSeconds",
        message: `must be at least 1 when platform:payments.worker.batchSize is above 10 (got batchSize ${w.batchSize})`,
      },
    ];
  },

  function archiveLifecycleOrder(s) {
    const d = dataOf(s);
    if (!d) return [];
    const a = d.payments.archive;
    if (a.transitionToGlacierDays > a.transitionToInfrequentAccessDays) return [];
    return [
      {
        key: "platform:payments.archive.transitionToGlacierDays",
        message: `must be later than platform:payments.archive.transitionToInfrequentAccessDays (${a.transitionToInfrequentAccessDays})`,
      },
    ];
  },

  function databaseAvailability(s, { stack, info }) {
    const d = dataOf(s);
    if (!d) return [];
    const db = d.database;
    const out: RuleIssue[] = [];
    if (db.maxAllocatedStorageGiB < db.allocatedStorageGiB) {
      out.push({
        key: "platform:database.maxAllocatedStorageGiB",
        message: `must be at least platform:database.allocatedStorageGiB (${db.allocatedStorageGiB})`,
      });
    }
    const backup = parseDailyWindow(db.backupWindow);
    const maintenance = parseWeeklyWindow(db.maintenanceWindow);
    if (backup && maintenance && dailyOverlapsWeekly(backup, maintenance)) {
      out.push({
        key: "platform:database.backupWindow",
        message: `${db.backupWindow} overlaps platform:database.maintenanceWindow (${db.maintenanceWindow}); RDS refuses overlapping windows`,
      });
    }
    if (info.productionGrade && !db.multiAz) {
      out.push({
        key: "platform:database.multiAz",
        message: `${stack} is production-grade and needs a Multi-AZ primary (true)`,
      });
    }
    if (info.productionGrade && db.readReplicas > 0 && !db.multiAz) {
      out.push({
        key: "platform:database.readReplicas",
        message: `read replicas in ${stack} (production-grade) require platform:database.multiAz: true; a replica is not a failover target for the primary`,
      });
    }
    return out;
  },

  function prodProtection(s, { stack }) {
    const d = dataOf(s);
    if (!d || !STACKS[stack].gated) return [];
    const out: RuleIssue[] = [];
    if (!d.database.deletionProtection) {
      out.push({ key: "platform:database.deletionProtection", message: `must be true in ${stack}` });
    }
    if (!d.payments.deletionProtection) {
      out.push({ key: "platform:payments.deletionProtection", message: `must be true in ${stack}` });
    }
    return out;
  },

  /**
   * The Lambda worker's image must be in a repository the management stack shares with Lambda
   * (`platform:registries.lambdaImages` of its stack file): any other repository's policy does not
   * admit the Lambda service, and AWS refuses to create the function.
   */
  function workerImageIsShared(s, { peers }) {
    const d = dataOf(s);
    if (!d) return [];
    const key = "platform:payments.worker.image.repository";
    const url = d.payments.worker.image.repository;
    const m = peers[MANAGEMENT_STACK];
    const file = stackFileName(MANAGEMENT_STACK);
    if (!m?.accountId || !m.region || !m.imageRepositories) {
      return [
        {
          key,
          message: `cannot check ${url}: ${file} declares no platform:accountId, aws:region or platform:registries`,
        },
      ];
    }
    const registry = `${m.accountId}.dkr.ecr.${m.region}.amazonaws.com/`;
    const name = url.startsWith(registry) ? url.slice(registry.length) : undefined;
    if (name === undefined) {
      return [
        {
          key,
          message: `${url} is not in the management account's registry (${registry}…); the worker runs only from images the management stack shares`,
        },
      ];
    }
    if (m.imageRepositories.lambda.includes(name)) return [];
    const why = m.imageRepositories.all.includes(name)
      ? `its policy does not admit the Lambda service: add "${name}" to platform:registries.lambdaImages in ${file}`
      : `the management stack creates no repository "${name}" (platform:registries.images in ${file}: ${m.imageRepositories.all.join(", ")})`;
    return [{ key, message: `${url} cannot run the Lambda worker: ${why}` }];
  },

  function providerRangesArePublic(s) {
    const d = dataOf(s);
    if (!d) return [];
    const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];
    return d.payments.providerEgressCidrs
      .map((cidr, i) => ({ cidr, i, range: PRIVATE.find((p) => overlaps(p, cidr)) }))
      .filter((x) => x.range !== undefined)
      .map(({ cidr, i, range }) => ({
        key: `platform:payments.providerEgressCidrs[${i}]`,
        message: `${cidr} overlaps the private range ${range}: the payment provider is reached over the internet, and a private range would open the VPC, the VPN or the node's link-local services to the payments API`,
      }));
  },

  function searchTopology(s, { stack }) {
    const d = dataOf(s);
    if (!d) return [];
    const { search } = d;
    const out: RuleIssue[] = [];
    if (search.instanceCount % search.availabilityZoneCount !== 0) {
      out.push({
        key: "platform:search.instanceCount",
        message: `must be divisible by platform:search.availabilityZoneCount (${search.availabilityZoneCount}) so every AZ holds the same number of data nodes; got ${search.instanceCount}`,
      });
    }
    if (search.availabilityZoneCount > s.network.availabilityZones.length) {
      out.push({
        key: "platform:search.availabilityZoneCount",
        message: `cannot exceed the VPC's ${s.network.availabilityZones.length} availability zones (platform:network.availabilityZones)`,
      });
    }
    if (STACKS[stack].gated && search.availabilityZoneCount !== 3) {
      out.push({ key: "platform:search.availabilityZoneCount", message: `must be 3 in ${stack}` });
    }
    if (STACKS[stack].gated && search.dedicatedMasterType === undefined) {
      out.push({
        key: "platform:search.dedicatedMasterType",
        message: `must be set in ${stack} (dedicated masters)`,
      });
    }
    return out;
  },
];

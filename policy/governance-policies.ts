import type { PolicyGroup } from "./policy-types";
import { decoded, forTypes, isSet, obj, T } from "./props";

/** The tags every AWS resource carries through its provider's default tags (src/core/provider.ts). */
export const REQUIRED_TAGS = ["Project", "Environment", "Owner", "CostCenter", "ManagedBy"] as const;

/** Days a log group keeps its events in the gated stacks, at least. */
const GATED_MIN_RETENTION_DAYS = 90;

/**
 * Stateful resources a production-grade stack must protect (`protect: true`): deleting one loses
 * data or the keys to it. Add a type here when the program starts creating a new kind of store.
 */
export const STATEFUL_TYPES: readonly string[] = [
  T.rdsInstance,
  T.dynamoTable,
  T.openSearch,
  T.bucket,
  T.bucketV2,
  T.kmsKey,
  T.eksComponent,
  T.eksCluster,
  "aws:efs/fileSystem:FileSystem",
  "aws:organizations/account:Account",
];

export const governancePolicies: PolicyGroup = (ctx) => [
  {
    name: "log-retention",
    cls: "gated",
    description: `Every log group expires its events; in the gated stacks it keeps them at least ${GATED_MIN_RETENTION_DAYS} days.`,
    remediationSteps: `Set retentionInDays (the *.logRetentionDays keys); ${GATED_MIN_RETENTION_DAYS} days or more in management and prod.`,
    validateResource: forTypes([T.logGroup], (p, _args, report) => {
      if (!isSet(p, "retentionInDays") || p.retentionInDays === 0)
        report("the log group keeps its events forever");
      else if (
        ctx.gated &&
        typeof p.retentionInDays === "number" &&
        p.retentionInDays < GATED_MIN_RETENTION_DAYS
      ) {
        report(
          `events are kept ${p.retentionInDays} days; at least ${GATED_MIN_RETENTION_DAYS} in ${ctx.stack}`,
        );
      }
    }),
  },
  {
    name: "required-tags",
    cls: "gated",
    description: `Every AWS provider stamps ${REQUIRED_TAGS.join(", ")} (Environment = the stack) as default tags, and no resource overrides them.`,
    remediationSteps:
      "Create AWS providers with awsProvider()/regionalProvider()/assumingProvider() (src/core/provider.ts); never set these tags on a resource yourself.",
    validateResource: (args, report) => {
      const p = args.props as Record<string, unknown>;
      if (args.type === T.awsProvider) {
        const tags = obj(obj(decoded(p.defaultTags))?.tags) ?? {};
        for (const t of REQUIRED_TAGS) if (!isSet(tags, t)) report(`default tag ${t} is missing`);
        if (typeof tags.Environment === "string" && tags.Environment !== ctx.stack) {
          report(`default tag Environment is "${tags.Environment}", not "${ctx.stack}"`);
        }
        return;
      }
      if (!args.type.startsWith("aws:")) return;
      const own = obj(p.tags);
      const defaults = obj(obj(decoded(args.provider?.props.defaultTags))?.tags) ?? {};
      for (const t of REQUIRED_TAGS) {
        if (own && typeof own[t] === "string" && typeof defaults[t] === "string" && own[t] !== defaults[t]) {
          report(`tag ${t}="${String(own[t])}" overrides the provider's "${String(defaults[t])}"`);
        }
      }
    },
  },
  {
    name: "protect-stateful-resources",
    cls: "gated",
    description:
      "In production-grade stacks, stateful resources (databases, tables, search domains, buckets, keys, clusters, accounts) are protected against deletion.",
    remediationSteps:
      "Pass { protect: true } (the components take `protect` from STACKS[stack].productionGrade); to really delete one, remove protection in its own reviewed change first.",
    validateResource: (args, report) => {
      if (!STATEFUL_TYPES.includes(args.type)) return;
      if (!ctx.productionGrade) args.notApplicable("protection is only required in production-grade stacks");
      if (!args.opts.protect)
        report(`${args.type.split(":").pop()} "${args.name}" holds state and is not protected`);
    },
  },
];

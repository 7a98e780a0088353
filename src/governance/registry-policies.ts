import { assertAccountId, ECR_PULL_ACTIONS, type PolicyDocument, policy } from "../core/policy-document";

/** ECR lifecycle policy (its own JSON format, not IAM). */
export interface LifecyclePolicy {
  rules: {
    rulePriority: number;
    description: string;
    selection: {
      tagStatus: "untagged" | "tagged" | "any";
      tagPatternList?: string[];
      countType: "sinceImagePushed" | "imageCountMoreThan";
      countUnit?: "days";
      countNumber: number;
    };
    action: { type: "expire" };
  }[];
}

/** Untagged images expire after `untaggedExpiryDays`; beyond the newest `keepTagged` images, the oldest expire. */
export function registryLifecyclePolicy(args: {
  untaggedExpiryDays: number;
  keepTagged: number;
}): LifecyclePolicy {
  if (!(args.untaggedExpiryDays >= 1))
    throw new Error("registryLifecyclePolicy: untaggedExpiryDays must be at least 1");
  if (!(args.keepTagged >= 1)) throw new Error("registryLifecyclePolicy: keepTagged must be at least 1");
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images after ${args.untaggedExpiryDays} days`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: args.untaggedExpiryDays,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the newest ${args.keepTagged} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: args.keepTagged },
        action: { type: "expire" },
      },
    ],
  };
}

/** ECR pull actions, nothing more: the workload accounts read images and charts, never push. */
export { ECR_PULL_ACTIONS };

/** Repository policy letting principals of the workload accounts pull (their IAM decides which ones). */
export function registryPullPolicy(readerAccountIds: readonly string[]): PolicyDocument {
  if (readerAccountIds.length === 0) throw new Error("registryPullPolicy: at least one reader account");
  for (const id of readerAccountIds) assertAccountId(id, "registryPullPolicy");
  const principals = [...new Set(readerAccountIds)].map((id) => `arn:aws:iam::${id}:root`);
  return policy({
    Sid: "WorkloadAccountsPull",
    Effect: "Allow",
    Principal: { AWS: principals.length === 1 ? principals[0]! : principals },
    Action: [...ECR_PULL_ACTIONS],
  });
}

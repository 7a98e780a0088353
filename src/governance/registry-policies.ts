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

/** What Lambda itself fetches when it creates or updates a function from a container image. */
export const LAMBDA_IMAGE_ACTIONS = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"];

/** `aws:SourceArn` pattern of every Lambda function of an account in a region. */
export function lambdaFunctionsOf(accountId: string, region: string): string {
  assertAccountId(accountId, "lambdaFunctionsOf");
  return `arn:aws:lambda:${region}:${accountId}:function:*`;
}

/**
 * Repository policy letting principals of the workload accounts pull (their IAM decides which ones).
 * With `lambda`, the Lambda service may fetch the image too, on behalf of functions of those accounts
 * in the given regions only: AWS requires it for a function whose image is in another account's
 * repository (it fetches the layers itself, as `lambda.amazonaws.com`, not as the function's role).
 */
export function registryPullPolicy(
  readerAccountIds: readonly string[],
  lambda?: { readonly regions: readonly string[] },
): PolicyDocument {
  if (readerAccountIds.length === 0) throw new Error("registryPullPolicy: at least one reader account");
  for (const id of readerAccountIds) assertAccountId(id, "registryPullPolicy");
  const accounts = [...new Set(readerAccountIds)];
  const principals = accounts.map((id) => `arn:aws:iam::${id}:root`);
  const pull = {
    Sid: "WorkloadAccountsPull",
    Effect: "Allow" as const,
    Principal: { AWS: principals.length === 1 ? principals[0]! : principals },
    Action: [...ECR_PULL_ACTIONS],
  };
  if (!lambda) return policy(pull);
  if (lambda.regions.length === 0) throw new Error("registryPullPolicy: Lambda needs at least one region");
  const regions = [...new Set(lambda.regions)];
  return policy(pull, {
    Sid: "LambdaPullsForWorkloadAccountFunctions",
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: [...LAMBDA_IMAGE_ACTIONS],
    // As AWS documents it: the function's ARN, which pins its account and region.
    Condition: {
      ArnLike: { "aws:SourceArn": accounts.flatMap((id) => regions.map((r) => lambdaFunctionsOf(id, r))) },
    },
  });
}

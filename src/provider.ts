import * as aws from "@pulumi/aws";
import type { PlatformConfig } from "./config";

/**
 * The one AWS provider every resource of the stack uses: pinned to the stack's account and
 * region, assuming the stack's deploy role when one is configured (short-lived credentials,
 * never access keys), and carrying the platform's tags as default tags so every taggable
 * resource gets them.
 */
export function awsProvider(cfg: PlatformConfig): aws.Provider {
  return new aws.Provider("aws", {
    region: cfg.region as aws.Region,
    allowedAccountIds: [cfg.accountId],
    defaultTags: { tags: { ...cfg.tags } },
    ...(cfg.deployRoleArn
      ? { assumeRoles: [{ roleArn: cfg.deployRoleArn, sessionName: `pulumi-${cfg.project}-${cfg.stack}` }] }
      : {}),
  });
}

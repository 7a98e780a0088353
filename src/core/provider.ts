import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderContext } from "./config-loader";

/**
 * The one AWS provider every resource of the stack uses: pinned to the stack's account and
 * region, assuming the stack's deploy role when one is configured (short-lived credentials,
 * never access keys), and carrying the platform's tags as default tags so every taggable
 * resource gets them.
 */
export function awsProvider(cfg: ProviderContext): aws.Provider {
  return new aws.Provider("aws", stackProviderArgs(cfg, cfg.region));
}

/**
 * The stack's provider in another region: the same account guard, deploy role and default tags
 * as `awsProvider`. For what AWS only offers in one region, e.g. CloudFront's certificates and
 * WAF web ACLs in us-east-1.
 */
export function regionalProvider(cfg: ProviderContext, name: string, region: string): aws.Provider {
  return new aws.Provider(name, stackProviderArgs(cfg, region));
}

function stackProviderArgs(cfg: ProviderContext, region: string): aws.ProviderArgs {
  return {
    region: region as aws.Region,
    allowedAccountIds: [cfg.accountId],
    defaultTags: { tags: { ...cfg.tags } },
    ...(cfg.deployRoleArn
      ? { assumeRoles: [{ roleArn: cfg.deployRoleArn, sessionName: `pulumi-${cfg.project}-${cfg.stack}` }] }
      : {}),
  };
}

/**
 * A provider for another account, reached by assuming `roleArn` after the stack's own deploy role
 * (a role chain: CI role → the stack's deploy role → `roleArn`). Same region and default tags as
 * the stack's provider; pinned to `accountId`.
 */
export function assumingProvider(
  cfg: ProviderContext,
  name: string,
  target: { readonly accountId: pulumi.Input<string>; readonly roleArn: pulumi.Input<string> },
): aws.Provider {
  const session = `pulumi-${cfg.project}-${cfg.stack}`;
  return new aws.Provider(name, {
    region: cfg.region as aws.Region,
    allowedAccountIds: [target.accountId],
    defaultTags: { tags: { ...cfg.tags } },
    assumeRoles: [
      ...(cfg.deployRoleArn ? [{ roleArn: cfg.deployRoleArn, sessionName: session }] : []),
      { roleArn: target.roleArn, sessionName: session },
    ],
  });
}

import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag, physicalName } from "./naming";
import { serviceTrust, toJson } from "./policy-document";

/** An IAM role that one AWS service assumes, named `<project>-<stack>-<roleName>`. */
export function serviceRole(
  name: string,
  args: { readonly naming: NameContext; readonly roleName: string; readonly service: string },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return new aws.iam.Role(
    name,
    {
      name: physicalName(args.naming, args.roleName),
      assumeRolePolicy: toJson(serviceTrust(args.service)),
      tags: nameTag(args.naming, args.roleName),
    },
    opts,
  );
}

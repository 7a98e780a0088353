import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { NameContext } from "../core/naming";
import { nameTag } from "../core/naming";

export type OrgPolicyType = "SERVICE_CONTROL_POLICY" | "RESOURCE_CONTROL_POLICY";

/** One organization policy to create: its document (JSON) and the targets it attaches to. */
export interface GuardrailPolicy {
  readonly name: string;
  readonly description: string;
  readonly type: OrgPolicyType;
  /** Compact JSON document; may depend on outputs (the organization id). */
  readonly content: pulumi.Input<string>;
  /** Target keys (OU keys), resolved through `targetIds`. */
  readonly targets: readonly string[];
}

export interface GuardrailsArgs {
  readonly naming: NameContext;
  readonly policies: readonly GuardrailPolicy[];
  /** Organization target ids (OU or root ids) by key. */
  readonly targetIds: Readonly<Record<string, pulumi.Input<string>>>;
}

const SHORT: Record<OrgPolicyType, string> = {
  SERVICE_CONTROL_POLICY: "scp",
  RESOURCE_CONTROL_POLICY: "rcp",
};

/**
 * Service and resource control policies, each attached to its OUs. The documents are built by the
 * pure functions of `scp.ts` and `rcp.ts` (which check size and attachment limits); this component only
 * registers them. The AWS-managed full-access policies stay attached: these are deny lists.
 */
export class Guardrails extends pulumi.ComponentResource {
  readonly policyIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: GuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:organization:Guardrails", name, {}, opts);
    const parent = { parent: this };
    for (const p of args.policies) {
      const logical = `${SHORT[p.type]}-${p.name.replace(/^platform-/, "")}`;
      const policy = new aws.organizations.Policy(
        logical,
        {
          name: p.name,
          description: p.description,
          type: p.type,
          content: p.content,
          tags: nameTag(args.naming, SHORT[p.type], p.name.replace(/^platform-/, "")),
        },
        parent,
      );
      this.policyIds[p.name] = policy.id;
      for (const target of p.targets) {
        const targetId = args.targetIds[target];
        if (targetId === undefined)
          throw new Error(`guardrails: policy ${p.name} targets unknown OU "${target}"`);
        new aws.organizations.PolicyAttachment(
          `${logical}-${target}`,
          { policyId: policy.id, targetId },
          parent,
        );
      }
    }
    this.registerOutputs({ policyIds: this.policyIds });
  }
}

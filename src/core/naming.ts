/**
 * Resource naming, in one place. Pulumi logical names stay short and stable inside a stack
 * ("vpc", "nat-a"); the physical names AWS shows are `<project>-<stack>-<parts>`, so a console
 * reader can tell `platform-prod-vpc` from `platform-dev-vpc` at a glance.
 */
export interface NameContext {
  readonly project: string;
  readonly stack: string;
}

const SAFE = /[^a-z0-9-]+/g;

function clean(part: string): string {
  return part.toLowerCase().replace(SAFE, "-").replace(/-+/g, "-").replace(/^-|-$/g, "");
}

/** `platform-prod-<parts>`: the physical name (and `Name` tag) of a resource. */
export function physicalName(ctx: NameContext, ...parts: string[]): string {
  return [ctx.project, ctx.stack, ...parts]
    .map(clean)
    .filter((p) => p.length > 0)
    .join("-");
}

/** A physical name cut to `max` characters without a trailing dash (IAM roles: 64, ALBs: 32, …). */
export function boundedName(ctx: NameContext, max: number, ...parts: string[]): string {
  const full = physicalName(ctx, ...parts);
  return full.length <= max ? full : full.slice(0, max).replace(/-+$/, "");
}

/** The `Name` tag for a resource; the other tags come from the provider's default tags. */
export function nameTag(ctx: NameContext, ...parts: string[]): { Name: string } {
  return { Name: physicalName(ctx, ...parts) };
}

/** "eu-west-2a" → "a": the short AZ suffix used in logical names. */
export function azSuffix(az: string): string {
  const m = /([a-z])$/.exec(az);
  if (!m?.[1]) throw new Error(`"${az}" is not an availability zone name`);
  return m[1];
}

/** The EKS cluster name of a stack (also the Karpenter discovery tag value). */
export function clusterName(ctx: NameContext): string {
  return physicalName(ctx, "eks");
}

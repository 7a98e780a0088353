import type { PlannedResource, PlanResult } from "./engine";

/**
 * Turns an evaluated plan into what a reviewer reads (text) or a tool consumes (JSON). Pure:
 * the same plan always renders the same way.
 */

/** Inputs worth a glance, in the order they are shown when present. */
const KEY_PROPERTIES = [
  "name",
  "cidrBlock",
  "availabilityZone",
  "vpcEndpointType",
  "serviceName",
  "destinationCidrBlock",
  "gatewayId",
  "natGatewayId",
  "transitGatewayId",
  "subnetId",
  "allocationId",
  "domain",
  "engine",
  "engineVersion",
  "instanceClass",
  "multiAz",
  "version",
  "chart",
  "kind",
  "type",
  "retentionInDays",
  "enableKeyRotation",
  "trafficType",
  "billingMode",
  "imageTagMutability",
  "authenticationMode",
  "endpointPublicAccess",
  "replicateSourceDb",
  "deletionProtection",
  "visibilityTimeoutSeconds",
  "messageRetentionSeconds",
  "batchSize",
  "environment",
  "branchPattern",
  "tagPattern",
  "secretName",
  "enforcement",
  "preventSelfReview",
  "description",
] as const;

const MAX_PROPERTIES = 4;
const MAX_VALUE = 60;

function short(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string")
    return value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE - 1)}…` : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The handful of inputs that identify what a resource is. */
export function keyProperties(r: PlannedResource): Record<string, string> {
  const out: Record<string, string> = {};
  const tier = (r.inputs.tags as Record<string, unknown> | undefined)?.Tier;
  if (typeof tier === "string") out.tier = tier;
  for (const key of KEY_PROPERTIES) {
    if (Object.keys(out).length >= MAX_PROPERTIES) break;
    const v = short(r.inputs[key]);
    if (v !== undefined) out[key] = v;
  }
  if (r.type === "aws:s3/bucket:Bucket" && typeof r.inputs.bucket === "string") out.bucket = r.inputs.bucket;
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? v.map(String).join(",") : undefined);
  if (r.type.startsWith("tailscale:")) {
    for (const key of ["tags", "scopes"]) {
      const v = list(r.inputs[key]);
      if (v !== undefined) out[key] = v;
    }
    if (typeof r.inputs.acl === "string") {
      const acl = JSON.parse(r.inputs.acl) as { grants?: unknown[]; tests?: unknown[] };
      out.grants = String(acl.grants?.length ?? 0);
      out.tests = String(acl.tests?.length ?? 0);
    }
  }
  if (r.type === "github:index/repositoryEnvironment:RepositoryEnvironment") {
    const reviewers = (r.inputs.reviewers as { teams?: unknown[] }[] | undefined)?.flatMap(
      (x) => x.teams ?? [],
    );
    out.reviewers = reviewers?.length ? reviewers.map((t) => `team:${String(t)}`).join(",") : "none";
  }
  if (r.type === "github:index/repositoryRuleset:RepositoryRuleset") {
    const rules = r.inputs.rules as {
      requiredStatusChecks?: { requiredChecks?: { context: string }[] };
      mergeQueue?: unknown;
      pullRequest?: { requiredApprovingReviewCount?: number };
    };
    out.checks = (rules.requiredStatusChecks?.requiredChecks ?? []).map((c) => c.context).join(" + ");
    out.approvals = String(rules.pullRequest?.requiredApprovingReviewCount ?? 0);
    out.mergeQueue = rules.mergeQueue ? "on" : "off";
  }
  if (r.type === "kubernetes:helm.sh/v3:Release" || r.type.startsWith("kubernetes:")) {
    const meta = r.inputs.metadata as { name?: unknown; namespace?: unknown } | undefined;
    if (typeof meta?.name === "string") out.metadata = `${meta.namespace ?? "default"}/${meta.name}`;
  }
  return out;
}

export interface PlanGroup {
  /** Component path, e.g. "network" or "cluster/karpenter"; "(stack)" for top-level resources. */
  readonly component: string;
  readonly componentType: string;
  readonly resources: {
    readonly type: string;
    readonly name: string;
    readonly protect: boolean;
    readonly properties: Record<string, string>;
  }[];
}

export interface PlanJson {
  readonly stack: string;
  readonly total: number;
  readonly protected: number;
  readonly totals: Record<string, number>;
  readonly groups: PlanGroup[];
  readonly outputs: Record<string, unknown>;
}

/** Groups custom resources by their enclosing component; components themselves are headings. */
export function toPlanJson(plan: PlanResult): PlanJson {
  const groups = new Map<string, PlanGroup>();
  const totals: Record<string, number> = {};
  let total = 0;
  let protectedCount = 0;
  for (const r of plan.resources) {
    // Our own component resources are the grouping, not cloud objects; a package's remote
    // component (eks:index:Cluster) is planned infrastructure and is listed.
    if (!r.custom && (r.type.startsWith("platform:") || r.type === "pulumi:pulumi:Stack")) continue;
    const component = r.components.length > 0 ? r.components.join("/") : "(stack)";
    let g = groups.get(component);
    if (!g) {
      g = { component, componentType: r.componentType || "pulumi:pulumi:Stack", resources: [] };
      groups.set(component, g);
    }
    g.resources.push({ type: r.type, name: r.name, protect: r.protect, properties: keyProperties(r) });
    totals[r.type] = (totals[r.type] ?? 0) + 1;
    total++;
    if (r.protect) protectedCount++;
  }
  const sortedTotals = Object.fromEntries(Object.entries(totals).sort(([a], [b]) => a.localeCompare(b)));
  return {
    stack: plan.stack,
    total,
    protected: protectedCount,
    totals: sortedTotals,
    groups: [...groups.values()],
    outputs: plan.outputs,
  };
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + " ".repeat(width - text.length);
}

export function renderText(json: PlanJson, header: string): string {
  const lines: string[] = [header, ""];
  for (const g of json.groups) {
    lines.push(`${g.component}  (${g.componentType}, ${plural(g.resources.length, "resource")})`);
    const typeWidth = Math.max(...g.resources.map((r) => r.type.length)) + 2;
    const nameWidth = Math.max(...g.resources.map((r) => r.name.length)) + 2;
    for (const r of g.resources) {
      const props = Object.entries(r.properties)
        .map(([k, v]) => `${k}=${v}`)
        .join("  ");
      lines.push(
        `  + ${pad(r.type, typeWidth)}${pad(r.name, nameWidth)}${props}${r.protect ? "  [protected]" : ""}`.trimEnd(),
      );
    }
    lines.push("");
  }
  lines.push("Totals by type:");
  const width = Math.max(...Object.keys(json.totals).map((t) => t.length)) + 2;
  for (const [type, n] of Object.entries(json.totals))
    lines.push(`  ${pad(type, width)}${String(n).padStart(4)}`);
  lines.push("");
  lines.push(
    `${json.total} resources to create (${json.protected} protected) in ${json.groups.length} groups.`,
  );
  const outputKeys = Object.keys(json.outputs);
  if (outputKeys.length > 0) lines.push(`Stack outputs: ${outputKeys.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

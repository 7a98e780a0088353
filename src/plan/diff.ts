import { createHash } from "node:crypto";
import { MOCK_SECRET, type PlannedResource, type PlanResult } from "./engine";

/**
 * What a change does to a stack, from two offline evaluations: the resources added, removed and
 * changed (property by property, secrets masked), with deletions and changes of protected
 * resources first. Pure: the CLI evaluates the two sides, this compares them.
 */

export interface PropertyChange {
  /** Dotted path into the inputs (`tags.Name`, `policy.Statement[0].Action`); `[protect]` for the option. */
  readonly path: string;
  readonly before?: string;
  readonly after?: string;
}

export interface ResourceRef {
  readonly type: string;
  readonly name: string;
  /** Component path ("network", "data/pipeline"); "" at the top level. */
  readonly component: string;
  readonly protect: boolean;
}

export interface ChangedResource extends ResourceRef {
  readonly changes: PropertyChange[];
  /** Protected before or after: changing it needs the same care as deleting it. */
  readonly protectedBefore: boolean;
}

export interface PlanDiff {
  readonly stack: string;
  readonly added: ResourceRef[];
  readonly removed: ResourceRef[];
  readonly changed: ChangedResource[];
}

export const MASK = "[secret]";

/** Properties that hold secrets whatever their value (the engine's mocks pass secrets in plain text). */
const SECRET_PATH =
  /(^|\.)(password|masterPassword|secretString|secretBinary|authKey|apiKey|token|privateKey|kubeconfig)$/i;
/** Kubernetes Secrets' payloads and generated values, secret by type. */
const SECRET_TYPES: Record<string, RegExp> = {
  "kubernetes:core/v1:Secret": /^(data|stringData)(\.|$)/,
  "random:index/randomPassword:RandomPassword": /^result$/,
};

const isComponent = (r: PlannedResource) => !r.custom && r.type.startsWith("platform:");

function identity(r: PlannedResource): string {
  return `${r.components.join("/")}::${r.type}::${r.name}`;
}

function refOf(r: PlannedResource): ResourceRef {
  return { type: r.type, name: r.name, component: r.components.join("/"), protect: r.protect };
}

/** How Pulumi marks a secret value in serialized inputs (the engine's mocks keep the mark). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
/** A secret flattens to a digest of its value: a change shows, the value never does. */
const SECRET_PREFIX = "\u0000secret:";

function isSecret(v: unknown): v is { value: unknown } {
  return (
    v !== null && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG] === SECRET_SIG_VALUE
  );
}

/** Inputs flattened to `path → JSON text`; JSON documents inside strings (policies) are opened up. */
export function flatten(
  value: unknown,
  path = "",
  out: Map<string, string> = new Map(),
): Map<string, string> {
  if (isSecret(value)) {
    const digest = createHash("sha256")
      .update(JSON.stringify(value.value ?? null))
      .digest("hex");
    out.set(path, `${SECRET_PREFIX}${digest}`);
    return out;
  }
  let v = value;
  if (typeof v === "string" && /^[[{]/.test(v.trim())) {
    try {
      v = JSON.parse(v);
    } catch {
      // plain text after all
    }
  }
  if (Array.isArray(v)) {
    if (v.length === 0) out.set(path, "[]");
    v.forEach((item, i) => {
      flatten(item, `${path}[${i}]`, out);
    });
  } else if (v !== null && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) out.set(path, "{}");
    for (const [k, x] of entries) flatten(x, path ? `${path}.${k}` : k, out);
  } else if (v !== undefined) {
    out.set(path, JSON.stringify(v));
  }
  return out;
}

/** Values that are secrets wherever they appear: the mocked config secrets and generated passwords. */
function secretValues(plans: readonly PlanResult[]): string[] {
  const values = new Set<string>([MOCK_SECRET]);
  for (const plan of plans) {
    for (const r of plan.resources) {
      if (
        r.type === "random:index/randomPassword:RandomPassword" ||
        r.type === "random:index/randomString:RandomString"
      ) {
        for (const v of Object.values(r.inputs)) if (typeof v === "string" && v.length >= 8) values.add(v);
      }
    }
  }
  return [...values];
}

function masker(secrets: readonly string[]) {
  return (type: string, path: string, text: string | undefined): string | undefined => {
    if (text === undefined) return undefined;
    if (text.startsWith(SECRET_PREFIX)) return MASK;
    const bare = path.replace(/\[\d+\]/g, "");
    if (SECRET_PATH.test(bare) || SECRET_TYPES[type]?.test(bare)) return MASK;
    return secrets.some((s) => text.includes(s)) ? MASK : text;
  };
}

export function diffPlans(before: PlanResult, after: PlanResult): PlanDiff {
  const mask = masker(secretValues([before, after]));
  const old = new Map(before.resources.filter((r) => !isComponent(r)).map((r) => [identity(r), r]));
  const now = new Map(after.resources.filter((r) => !isComponent(r)).map((r) => [identity(r), r]));
  const added: ResourceRef[] = [];
  const removed: ResourceRef[] = [];
  const changed: ChangedResource[] = [];
  for (const [id, r] of now) if (!old.has(id)) added.push(refOf(r));
  for (const [id, r] of old) {
    const next = now.get(id);
    if (!next) {
      removed.push(refOf(r));
      continue;
    }
    const a = flatten(r.inputs);
    const b = flatten(next.inputs);
    const changes: PropertyChange[] = [];
    for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
      if (a.get(path) === b.get(path)) continue;
      const beforeText = mask(r.type, path, a.get(path));
      const afterText = mask(r.type, path, b.get(path));
      changes.push({
        path,
        ...(beforeText !== undefined ? { before: beforeText } : {}),
        ...(afterText !== undefined ? { after: afterText } : {}),
      });
    }
    if (r.protect !== next.protect)
      changes.push({ path: "[protect]", before: String(r.protect), after: String(next.protect) });
    if (changes.length > 0) changed.push({ ...refOf(next), protectedBefore: r.protect, changes });
  }
  // Protected resources first: their deletion or change is what a reviewer must not miss.
  const byProtection = <T extends { protect: boolean }>(xs: T[], isProtected: (x: T) => boolean) => [
    ...xs.filter(isProtected),
    ...xs.filter((x) => !isProtected(x)),
  ];
  return {
    stack: after.stack,
    added,
    removed: byProtection(removed, (r) => r.protect),
    changed: byProtection(changed, (c) => c.protectedBefore || c.protect),
  };
}

export function isEmpty(diff: PlanDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** The removed and changed resources that were protected: what must be called out first. */
export function protectedChanges(diff: PlanDiff): { removed: ResourceRef[]; changed: ChangedResource[] } {
  return {
    removed: diff.removed.filter((r) => r.protect),
    changed: diff.changed.filter((c) => c.protectedBefore || c.protect),
  };
}

const where = (r: ResourceRef) => `${r.type} ${r.name}${r.component ? ` (${r.component})` : ""}`;

function change(c: PropertyChange): string {
  if (c.before === undefined) return `${c.path}: + ${c.after}`;
  if (c.after === undefined) return `${c.path}: - ${c.before}`;
  return `${c.path}: ${c.before} → ${c.after}`;
}

export function summary(diff: PlanDiff): string {
  if (isEmpty(diff)) return "no changes";
  const p = protectedChanges(diff);
  const risky = p.removed.length + p.changed.length;
  return (
    `${diff.added.length} to add, ${diff.changed.length} to change, ${diff.removed.length} to remove` +
    (risky > 0 ? ` (${p.removed.length} protected to remove, ${p.changed.length} protected to change)` : "")
  );
}

export function renderDiffText(diff: PlanDiff, header: string): string {
  const lines = [header, `${diff.stack}: ${summary(diff)}`];
  const p = protectedChanges(diff);
  if (p.removed.length > 0) {
    lines.push("", "!! PROTECTED resources to REMOVE (pulumi up will refuse until protection is lifted):");
    for (const r of p.removed) lines.push(`  - ${where(r)}`);
  }
  if (p.changed.length > 0) {
    lines.push("", "!! PROTECTED resources to change:");
    for (const c of p.changed) {
      lines.push(`  ~ ${where(c)}`);
      for (const x of c.changes) lines.push(`      ${change(x)}`);
    }
  }
  const rest = {
    removed: diff.removed.filter((r) => !r.protect),
    changed: diff.changed.filter((c) => !(c.protectedBefore || c.protect)),
  };
  if (rest.removed.length > 0) lines.push("", "Remove:", ...rest.removed.map((r) => `  - ${where(r)}`));
  if (rest.changed.length > 0) {
    lines.push("", "Change:");
    for (const c of rest.changed) {
      lines.push(`  ~ ${where(c)}`);
      for (const x of c.changes) lines.push(`      ${change(x)}`);
    }
  }
  if (diff.added.length > 0)
    lines.push("", "Add:", ...diff.added.map((r) => `  + ${where(r)}${r.protect ? "  [protected]" : ""}`));
  return `${lines.join("\n")}\n`;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string | undefined) =>
  (s === undefined ? "" : code(s.length > 120 ? `${s.slice(0, 119)}…` : s)).replace(/\|/g, "\\|");

export function renderDiffMarkdown(diff: PlanDiff): string {
  const lines: string[] = [];
  const p = protectedChanges(diff);
  if (p.removed.length > 0 || p.changed.length > 0) {
    lines.push("> [!CAUTION]", "> Protected resources are removed or changed:");
    for (const r of p.removed) lines.push(`> - **remove** ${code(r.type)} ${code(r.name)}`);
    for (const c of p.changed)
      lines.push(
        `> - **change** ${code(c.type)} ${code(c.name)}: ${c.changes.map((x) => code(x.path)).join(", ")}`,
      );
    lines.push("");
  }
  if (isEmpty(diff)) return "No changes to resources.\n";
  const rows: string[] = [];
  for (const r of diff.removed)
    rows.push(`| 🗑️ remove | ${code(r.type)} | ${code(r.name)} | ${r.protect ? "**protected**" : ""} | | |`);
  for (const c of diff.changed) {
    c.changes.forEach((x, i) => {
      const head = i === 0 ? `| ✏️ change | ${code(c.type)} | ${code(c.name)} |` : "| | | |";
      rows.push(`${head} ${cell(x.path)} | ${cell(x.before)} | ${cell(x.after)} |`);
    });
  }
  for (const r of diff.added)
    rows.push(`| ➕ add | ${code(r.type)} | ${code(r.name)} | ${r.protect ? "protected" : ""} | | |`);
  // Long tables fold away; the protected changes above stay in view.
  lines.push(
    `<details${rows.length <= 25 ? " open" : ""}><summary>${summary(diff)}</summary>`,
    "",
    "| | type | name | property | before | after |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "</details>",
  );
  return `${lines.join("\n")}\n`;
}

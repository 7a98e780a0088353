/**
 * A small evaluator of IAM policy statements, enough to ask "does this document deny (or allow)
 * this request?" in tests. It models the operators the platform's policies use, including the
 * rules for absent context keys (negated operators and `…IfExists` match; the others do not).
 */
import { asList, type PolicyDocument, type PolicyStatement } from "../../src/core/policy-document";

export type Principal =
  | { readonly arn: string } // an IAM role, user or account root
  | { readonly service: string }
  | { readonly federated: string };

export type ContextValue = string | boolean | number | readonly string[];

export interface Request {
  readonly action: string;
  /** Defaults to "*", which only `"Resource": "*"` matches. */
  readonly resource?: string;
  readonly principal?: Principal;
  /** Request context keys; `aws:PrincipalArn`/`aws:PrincipalAccount` are derived from `principal`. */
  readonly context?: Readonly<Record<string, ContextValue>>;
}

function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`, ignoreCase ? "i" : "").test(value);
}

/** ArnLike: each of the six colon-separated components matched on its own. */
function arnLike(pattern: string, value: string): boolean {
  const split = (s: string) => {
    const parts = s.split(":");
    return [...parts.slice(0, 5), parts.slice(5).join(":")];
  };
  const p = split(pattern);
  const v = split(value);
  return p.length === v.length && p.every((part, i) => glob(part, v[i]!));
}

function accountOf(arn: string): string | undefined {
  return arn.split(":")[4];
}

export function coversAction(s: PolicyStatement, action: string): boolean {
  if (s.Action !== undefined) return asList(s.Action).some((p) => glob(p, action, true));
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((p) => glob(p, action, true));
  return false;
}

function coversResource(s: PolicyStatement, resource: string): boolean {
  if (s.Resource !== undefined) return asList(s.Resource).some((p) => p === "*" || glob(p, resource));
  if (s.NotResource !== undefined) return !asList(s.NotResource).some((p) => p === "*" || glob(p, resource));
  return true; // trust policies have no Resource
}

function coversPrincipal(s: PolicyStatement, principal: Principal | undefined): boolean {
  if (s.Principal === undefined) return true; // SCPs: the principal is whoever the policy applies to
  if (s.Principal === "*") return true;
  if (principal === undefined) return false;
  if ("arn" in principal) {
    return asList(s.Principal.AWS).some(
      (p) =>
        p === "*" ||
        p === principal.arn ||
        (p.endsWith(":root") && accountOf(p) === accountOf(principal.arn)),
    );
  }
  if ("service" in principal) return asList(s.Principal.Service).includes(principal.service);
  return asList(s.Principal.Federated).includes(principal.federated);
}

function contextOf(req: Request): Record<string, ContextValue> {
  const ctx: Record<string, ContextValue> = {};
  if (req.principal && "arn" in req.principal) {
    ctx["aws:PrincipalArn"] = req.principal.arn;
    ctx["aws:PrincipalAccount"] = accountOf(req.principal.arn) ?? "";
  }
  if (req.principal && "service" in req.principal) ctx["aws:PrincipalIsAWSService"] = true;
  return { ...ctx, ...req.context };
}

const NEGATED = new Set([
  "StringNotEquals",
  "StringNotLike",
  "ArnNotEquals",
  "ArnNotLike",
  "NumericNotEquals",
]);

function compare(op: string, pattern: string, value: string): boolean {
  switch (op) {
    case "StringEquals":
    case "StringNotEquals":
      return pattern === value;
    case "StringLike":
    case "StringNotLike":
      return glob(pattern, value);
    case "ArnEquals":
    case "ArnNotEquals":
    case "ArnLike":
    case "ArnNotLike":
      return arnLike(pattern, value);
    case "Bool":
      return pattern.toLowerCase() === value.toLowerCase();
    case "NumericEquals":
    case "NumericNotEquals":
      return Number(value) === Number(pattern);
    case "NumericLessThan":
      return Number(value) < Number(pattern);
    case "NumericGreaterThan":
      return Number(value) > Number(pattern);
    default:
      throw new Error(`the test evaluator does not model condition operator ${op}`);
  }
}

function conditionHolds(
  operator: string,
  key: string,
  policyValue: unknown,
  ctx: Record<string, ContextValue>,
) {
  let op = operator;
  let set: "any" | "all" | undefined;
  if (op.startsWith("ForAnyValue:")) [set, op] = ["any", op.slice("ForAnyValue:".length)];
  if (op.startsWith("ForAllValues:")) [set, op] = ["all", op.slice("ForAllValues:".length)];
  const ifExists = op.endsWith("IfExists");
  if (ifExists) op = op.slice(0, -"IfExists".length);
  const patterns = (Array.isArray(policyValue) ? policyValue : [policyValue]).map(String);
  const raw = ctx[key];

  if (op === "Null") return patterns.includes(String(raw === undefined));
  if (raw === undefined) {
    if (ifExists || set === "all") return true;
    if (set === "any") return false;
    return NEGATED.has(op);
  }
  const values = (Array.isArray(raw) ? raw : [raw]).map(String);
  const one = (v: string) =>
    NEGATED.has(op) ? !patterns.some((p) => compare(op, p, v)) : patterns.some((p) => compare(op, p, v));
  if (set === "all") return values.every(one);
  return values.some(one);
}

/** True when the statement matches the request: action, resource, principal and every condition. */
export function statementMatches(s: PolicyStatement, req: Request): boolean {
  if (!coversAction(s, req.action)) return false;
  if (!coversResource(s, req.resource ?? "*")) return false;
  if (!coversPrincipal(s, req.principal)) return false;
  const ctx = contextOf(req);
  for (const [operator, keys] of Object.entries(s.Condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      if (!conditionHolds(operator, key, value, ctx)) return false;
    }
  }
  return true;
}

/** Sids of the Deny statements that match the request. */
export function denyingSids(doc: PolicyDocument, req: Request): string[] {
  return doc.Statement.filter((s) => s.Effect === "Deny" && statementMatches(s, req)).map(
    (s) => s.Sid ?? "?",
  );
}

export function denies(doc: PolicyDocument, req: Request): boolean {
  return denyingSids(doc, req).length > 0;
}

/** True when an Allow statement matches and no Deny does (as within one resource policy). */
export function allows(doc: PolicyDocument, req: Request): boolean {
  return !denies(doc, req) && doc.Statement.some((s) => s.Effect === "Allow" && statementMatches(s, req));
}

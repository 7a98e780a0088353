import { policyContext } from "../../policy/context";
import { evaluatePolicies, type Finding } from "../../policy/offline";
import type { PlanResult } from "./engine";

/**
 * The policy pack's findings on an offline evaluation: what `pulumi preview --policy-pack policy`
 * would report for the same resources, available without credentials (forks, drafts).
 */
export function policyFindings(plan: PlanResult, root?: string): Finding[] {
  return evaluatePolicies(plan, policyContext(plan.stack, root));
}

export function mandatoryCount(findings: readonly Finding[]): number {
  return findings.filter((f) => f.enforcementLevel === "mandatory").length;
}

export function policySummary(findings: readonly Finding[]): string {
  if (findings.length === 0) return "policy pack: no violations";
  const mandatory = mandatoryCount(findings);
  return `policy pack: ${mandatory} mandatory, ${findings.length - mandatory} advisory violation${findings.length === 1 ? "" : "s"}`;
}

const where = (f: Finding) => (f.resource ? `${f.resource.type} ${f.resource.name}` : "(stack)");

export function renderPolicyText(findings: readonly Finding[]): string {
  const lines = [policySummary(findings)];
  for (const f of findings) {
    lines.push(`  [${f.enforcementLevel}] ${f.policy}: ${where(f)}: ${f.message}`);
    if (f.remediation) lines.push(`      fix: ${f.remediation}`);
  }
  return `${lines.join("\n")}\n`;
}

export function renderPolicyMarkdown(findings: readonly Finding[]): string {
  if (findings.length === 0) return "**Policy pack:** no violations.\n";
  const mandatory = mandatoryCount(findings);
  const lines = [
    `${mandatory > 0 ? "> [!CAUTION]\n> " : ""}**Policy pack:** ${mandatory} mandatory, ${findings.length - mandatory} advisory`,
    "",
    "| level | policy | resource | finding | fix |",
    "| --- | --- | --- | --- | --- |",
    ...findings.map(
      (f) =>
        `| ${f.enforcementLevel} | \`${f.policy}\` | \`${where(f)}\` | ${f.message.replace(/\|/g, "\\|")} | ${(f.remediation ?? "").replace(/\|/g, "\\|")} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

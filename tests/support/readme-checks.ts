import { STACK_NAMES, STACKS } from "../../src/core/environments";

/**
 * The README's "Stacks" table, checked against the list of stacks and their stack files: one row
 * per stack, in the list's order, each with the stack file's account id and VPC, its promotion
 * order and whether it is gated. Returns the problems (empty when the table is right).
 */
export function stacksTableProblems(
  readme: string,
  stackFiles: Readonly<Record<string, Record<string, unknown> | undefined>>,
): string[] {
  const section = /^## Stacks\n([\s\S]*?)\n## /m.exec(readme)?.[1] ?? "";
  const rows = section
    .split("\n")
    .filter((l) => /^\| `[^`]+` \|/.test(l))
    .map((l) => l.split("|").map((c) => c.trim()));
  const problems: string[] = [];
  const listed = rows.map((r) => r[1]!.replace(/`/g, ""));
  if (listed.join(",") !== STACK_NAMES.join(",")) {
    problems.push(
      `README "Stacks" lists ${listed.join(", ")}; the list of stacks is ${STACK_NAMES.join(", ")}`,
    );
  }
  for (const row of rows) {
    const stack = row[1]!.replace(/`/g, "") as (typeof STACK_NAMES)[number];
    const info = STACKS[stack];
    if (!info) continue;
    const file = stackFiles[stack] ?? {};
    const account = String(file["platform:accountId"] ?? "");
    const vpc = String((file["platform:network"] as { vpcCidr?: string } | undefined)?.vpcCidr ?? "");
    if (!row[2]!.includes(`\`${account}\``)) problems.push(`${stack}: account should read \`${account}\``);
    if (row[3] !== `\`${vpc}\``) problems.push(`${stack}: VPC should read \`${vpc}\``);
    const promotion = info.role === "management" ? "—" : String(info.promotionOrder);
    if (row[4] !== promotion) problems.push(`${stack}: promotion should read ${promotion}`);
    const gated = info.gated ? "yes" : "no";
    if (row[5] !== gated) problems.push(`${stack}: gated should read ${gated}`);
  }
  return problems;
}

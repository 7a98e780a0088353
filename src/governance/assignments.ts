import type { AssignableAccount, IdentityCenterConfig } from "./governance-config";

/** One Identity Center account assignment: a group gets a permission set in an account. */
export interface Assignment {
  readonly group: string;
  readonly permissionSet: string;
  readonly account: AssignableAccount;
}

/**
 * Expands the configured `group → permission set → accounts` list into one entry per
 * (group, permission set, account), sorted and without repeats. Config rules have already
 * checked that every permission set and account exists and that prod only gets sets with
 * `prodAccess`.
 */
export function assignmentMatrix(ic: Pick<IdentityCenterConfig, "assignments">): Assignment[] {
  const out = new Map<string, Assignment>();
  for (const a of ic.assignments) {
    for (const account of a.accounts) {
      const entry: Assignment = {
        group: a.group,
        permissionSet: a.permissionSet,
        account: account as AssignableAccount,
      };
      out.set(assignmentKey(entry), entry);
    }
  }
  return [...out.values()].sort((x, y) => assignmentKey(x).localeCompare(assignmentKey(y)));
}

/** A stable logical-name fragment for an assignment: `developers-readonly-prod`. */
export function assignmentKey(a: Assignment): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
  return `${clean(a.group)}-${clean(a.permissionSet)}-${a.account}`;
}

/** The permission sets a group holds in an account (empty when it has no access there). */
export function accessOf(matrix: readonly Assignment[], group: string, account: AssignableAccount): string[] {
  return matrix.filter((a) => a.group === group && a.account === account).map((a) => a.permissionSet);
}

/** Distinct group display names the assignments use (looked up in the identity store). */
export function groupsOf(matrix: readonly Assignment[]): string[] {
  return [...new Set(matrix.map((a) => a.group))].sort();
}

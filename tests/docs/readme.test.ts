import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";
import { STACK_NAMES } from "../../src/core/environments";
import { VERSIONS } from "../../src/core/versions";
import { STACK_FILES } from "../core/config-fixtures";
import { stacksTableProblems } from "../support/readme-checks";

const root = findProjectRoot();
const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");

/** Leaf keys of a config value: `platform:network.vpcCidr`, … (arrays of scalars are leaves). */
function leafKeys(prefix: string, value: unknown): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  if ("secure" in (value as object)) return [prefix];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leafKeys(`${prefix}.${k}`, v));
}

describe("README", () => {
  it("documents every platform config key used by a stack file", () => {
    const missing = new Set<string>();
    for (const stack of STACK_NAMES) {
      for (const [key, value] of Object.entries(STACK_FILES[stack] ?? {})) {
        if (!key.startsWith("platform:")) continue;
        // A section is documented either key by key or as a whole (`platform:karpenter`).
        const documented = (k: string) => readme.includes(`\`${k}\``) || readme.includes(`\`${k}.`);
        if (!documented(key)) {
          missing.add(key);
          continue;
        }
        // Documented as a whole row (`platform:alarms`), or field by field to the second level.
        if (readme.includes(`| \`${key}\` |`)) continue;
        for (const leaf of leafKeys(key, value)) {
          const parent = leaf.split(".").slice(0, 2).join(".");
          if (!documented(leaf) && !documented(parent)) missing.add(leaf);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it("states the stacks' VPC CIDRs and accounts as the stack files do", () => {
    for (const stack of STACK_NAMES) {
      const cfg = STACK_FILES[stack] ?? {};
      expect(readme).toContain(String((cfg["platform:network"] as { vpcCidr: string }).vpcCidr));
      expect(readme).toContain(String(cfg["platform:accountId"]));
    }
  });

  it("has one row per stack in its Stacks table, in the list's order, with account, VPC, promotion and gate", () => {
    expect(stacksTableProblems(readme, STACK_FILES)).toEqual([]);
  });

  it("copies every mirrored image from its upstream at the pinned tag, and nothing else", () => {
    const copies = [...readme.matchAll(/^\s*crane copy (\S+) \S+?\.amazonaws\.com\/(\S+)$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    const expected = Object.values(VERSIONS.images.mirrored).map((i) => [
      `${i.upstream}:${i.tag}`,
      `${i.repository}:${i.tag}`,
    ]);
    expect(copies.sort()).toEqual(expected.sort());
  });
});

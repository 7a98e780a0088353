import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { stackFileName } from "../core/environments";

/**
 * A stack file as the program sees it, without Pulumi: its `config:` map, and the flat string map
 * Pulumi hands a program (structured values as JSON text, `secure:` values replaced by a mock).
 */

/** The value the offline plan substitutes for a `secure:` config value it cannot decrypt. */
export const MOCK_SECRET = "offline-plan-mock-secret";

/** Converts a stack file's `config:` map to the flat string map Pulumi gives a program. */
export function toPulumiConfig(config: Record<string, unknown>): {
  values: Record<string, string>;
  secretKeys: string[];
} {
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      values[key] = MOCK_SECRET;
      secretKeys.push(key);
    } else if (typeof value === "string") {
      values[key] = value;
    } else {
      values[key] = JSON.stringify(value);
    }
  }
  return { values, secretKeys };
}

export function readStackConfig(stack: string, root: string): Record<string, unknown> {
  const file = path.join(root, stackFileName(stack));
  if (!fs.existsSync(file)) return {};
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return { ...(doc?.config ?? {}) };
}

/** The bootstrap program's stack name in the offline plan (`--stack bootstrap`). */
export const BOOTSTRAP_PLAN_STACK = "bootstrap";

import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import type { PeerStack, Rule, RuleContext } from "./config-rules";
import {
  isStackName,
  STACK_NAMES,
  STACKS,
  type StackInfo,
  type StackName,
  stackFileName,
} from "./environments";

export const PROJECT = "platform";

/** A configuration problem: the key it concerns and what was expected. */
export interface ConfigIssue {
  readonly key: string;
  readonly message: string;
}

/**
 * Thrown before any resource is registered. Its message names the stack, the stack file and
 * every offending key, so `pulumi preview` and the offline plan print something actionable.
 */
export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `Invalid configuration for stack "${stackName}" (${stackFileName(stackName)}):\n` +
        issues.map((i) => `  - ${i.key}: ${i.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export type { PeerStack } from "./config-rules";

export interface Tags {
  readonly Project: string;
  readonly Environment: string;
  readonly Owner: string;
  readonly CostCenter: string;
  readonly ManagedBy: "pulumi";
  readonly [key: string]: string;
}

/** What every stack's model carries besides its settings: who it is and where. */
export interface StackContext {
  readonly project: string;
  readonly stack: StackName;
  readonly info: StackInfo;
  readonly region: string;
  /** Tags every taggable AWS resource carries (set as provider default tags). */
  readonly tags: Tags;
  /** The other stacks, as their files in this repository describe them. */
  readonly peers: Readonly<Record<StackName, PeerStack>>;
}

/** The settings every stack schema yields (the keys of `stackShape` and the network's block). */
export interface StackSettings {
  readonly accountId: string;
  readonly owner: string;
  readonly costCenter: string;
  readonly deployRoleArn?: string | undefined;
  /**
   * Set when the program runs as the stack's read-only `platform-preview` (`PLATFORM_CI_ROLE=preview`):
   * the roles it assumes in other accounts are then their read-only counterparts.
   */
  readonly readOnly?: true;
  readonly network: { readonly vpcCidr: string };
}

/** A stack's context with its account and deploy role: what every area's wiring function reads. */
export type StackBasics = StackContext & Pick<StackSettings, "accountId" | "deployRoleArn" | "readOnly">;

/** What the stack's providers need: its identity, account, region, tags and deploy role. */
export type ProviderContext = Pick<StackContext, "project" | "region" | "tags"> & {
  /** The stack's name: a platform stack's, or a PR environment's (`pr-<number>`). */
  readonly stack: string;
} & Pick<StackSettings, "accountId" | "deployRoleArn" | "readOnly">;

/** The two stack schemas (management and environment) and the rules run over either. */
export interface StackSchemas<M extends StackSettings, E extends StackSettings> {
  readonly management: z.ZodType<M>;
  readonly environment: z.ZodType<E>;
  readonly rules: readonly Rule<M | E>[];
}

/** A validated stack: its context and settings, tagged by role. */
export type StackModel<M extends StackSettings, E extends StackSettings> =
  | (StackContext & M & { readonly role: "management" })
  | (StackContext & E & { readonly role: "environment" });

/** Raw inputs: the flat `namespace:key` → string map Pulumi hands the program, plus the repo's stack files. */
export interface RawConfigInput {
  readonly stack: string;
  readonly project?: string;
  readonly config: Readonly<Record<string, string>>;
  /** Parsed `config:` maps of the stack files in the repository, by stack. */
  readonly stackFiles: Readonly<Partial<Record<StackName, Record<string, unknown>>>>;
  /** The application chart's version (`readChartVersion`): the newest one a stack may name. */
  readonly latestChartVersion?: string | undefined;
}

const NAMESPACE = `${PROJECT}:`;

/** Pulumi stores structured values as JSON text; scalars at the top level stay strings. */
function decode(value: string): unknown {
  const t = value.trim();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.parse(t);
    } catch {
      return value;
    }
  }
  return value;
}

function keyOf(pathParts: readonly PropertyKey[]): string {
  const [head, ...rest] = pathParts.map(String);
  if (head === undefined) return `${PROJECT}:<root>`;
  let key = `${NAMESPACE}${head}`;
  for (const part of rest) key += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  return key;
}

function zodIssues(error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        out.push({
          key: keyOf([...issue.path, k]),
          message: "unknown key (misspelled, or not valid for this stack)",
        });
      }
      continue;
    }
    if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
      out.push({ key: keyOf(issue.path), message: `required key is missing (expected ${issue.expected})` });
      continue;
    }
    out.push({ key: keyOf(issue.path), message: issue.message });
  }
  return out;
}

function peerFrom(stack: StackName, file: Record<string, unknown> | undefined): PeerStack {
  const net = file?.[`${NAMESPACE}network`] as { vpcCidr?: unknown } | undefined;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const strings = (v: unknown) =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  const registries = file?.[`${NAMESPACE}registries`] as
    | { images?: unknown; lambdaImages?: unknown }
    | undefined;
  return {
    stack,
    accountId: str(file?.[`${NAMESPACE}accountId`]),
    region: str(file?.["aws:region"]),
    vpcCidr: str(net?.vpcCidr),
    ...(registries
      ? { imageRepositories: { all: strings(registries.images), lambda: strings(registries.lambdaImages) } }
      : {}),
  };
}

/**
 * Validates one stack's configuration into the typed model. Pure: everything it reads is in
 * `input`. Throws `ConfigError` listing every problem found.
 */
export function parseConfig<M extends StackSettings, E extends StackSettings>(
  input: RawConfigInput,
  schemas: StackSchemas<M, E>,
): StackModel<M, E> {
  const { stack } = input;
  if (!isStackName(stack)) {
    throw new ConfigError(stack, [
      {
        key: "stack",
        message: `unknown stack "${stack}"; expected one of ${STACK_NAMES.join(", ")}, or a PR environment pr-<number> (pr-123)`,
      },
    ]);
  }
  const info = STACKS[stack];
  const issues: ConfigIssue[] = [];

  const region = input.config["aws:region"];
  if (region === undefined || region === "") {
    issues.push({
      key: "aws:region",
      message: "required key is missing (expected an AWS region such as eu-west-2)",
    });
  }

  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input.config)) {
    if (k.startsWith(NAMESPACE)) settings[k.slice(NAMESPACE.length)] = decode(v);
  }
  const schema: z.ZodType<M | E> = info.role === "management" ? schemas.management : schemas.environment;
  const parsed = schema.safeParse(settings);
  if (!parsed.success) issues.push(...zodIssues(parsed.error));

  const peers = Object.fromEntries(
    STACK_NAMES.map((s) => [s, s === stack ? undefined : peerFrom(s, input.stackFiles[s])]),
  ) as Record<StackName, PeerStack | undefined>;

  if (parsed.success) {
    const ctx: RuleContext = { stack, info, region, peers, latestChartVersion: input.latestChartVersion };
    for (const rule of schemas.rules) issues.push(...rule(parsed.data, ctx));
  }

  if (issues.length > 0 || !parsed.success || region === undefined) throw new ConfigError(stack, issues);

  const data = parsed.data;
  const tags: Tags = {
    Project: input.project ?? PROJECT,
    Environment: stack,
    Owner: data.owner,
    CostCenter: data.costCenter,
    ManagedBy: "pulumi",
  };
  const selfPeer: PeerStack = { stack, accountId: data.accountId, region, vpcCidr: data.network.vpcCidr };
  const common: StackContext = {
    project: input.project ?? PROJECT,
    stack,
    info,
    region,
    tags,
    peers: { ...peers, [stack]: selfPeer } as Record<StackName, PeerStack>,
  };
  return info.role === "management"
    ? { ...common, ...(data as M), role: "management" as const }
    : { ...common, ...(data as E), role: "environment" as const };
}

let rootOverride: string | undefined;

/**
 * Points config loading at another project directory (the offline plan's `--root`) and returns
 * the previous setting, for the caller to restore.
 */
export function useProjectRoot(dir: string | undefined): string | undefined {
  const previous = rootOverride;
  rootOverride = dir === undefined ? undefined : path.resolve(dir);
  return previous;
}

/** The directory holding Pulumi.yaml: the override, else found walking up from `from`. */
export function findProjectRoot(from: string = __dirname): string {
  if (rootOverride) return rootOverride;
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Pulumi.yaml not found above ${from}`);
    dir = parent;
  }
}

/** Reads the `config:` map of every stack file present in the project. */
export function readStackFiles(
  root: string = findProjectRoot(),
): Partial<Record<StackName, Record<string, unknown>>> {
  const out: Partial<Record<StackName, Record<string, unknown>>> = {};
  for (const s of STACK_NAMES) {
    const file = path.join(root, stackFileName(s));
    if (!fs.existsSync(file)) continue;
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    out[s] = doc?.config ?? {};
  }
  return out;
}

/** Where the application chart lives, relative to the project root. */
export const CHART_FILE = path.join("charts", "payments", "Chart.yaml");

/** The `version` of charts/payments/Chart.yaml, or undefined when the project has no chart. */
export function readChartVersion(root: string = findProjectRoot()): string | undefined {
  const file = path.join(root, CHART_FILE);
  if (!fs.existsSync(file)) return undefined;
  const doc = parseYaml(fs.readFileSync(file, "utf8")) as { version?: unknown } | null;
  return doc?.version === undefined ? undefined : String(doc.version);
}

/**
 * A stack file's `config:` map as the flat `namespace:key` → string map Pulumi gives a program
 * (structured values as JSON). Refuses `secure:` values: a caller that reads a stack file directly
 * (the bootstrap) cannot decrypt them, and needs none.
 */
export function stackFileConfig(
  stack: string,
  config: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      throw new ConfigError(stack, [{ key, message: "a secret cannot be read outside its stack" }]);
    }
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

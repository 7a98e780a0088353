import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime/mocks";
import { parseBaseEnvironmentOutputs } from "../core/base-environment-outputs";
import {
  findProjectRoot,
  PROJECT,
  readChartVersion,
  readStackFiles,
  useProjectRoot,
} from "../core/config-loader";
import { ENVIRONMENT_STACKS, MANAGEMENT_STACK, PR_BASE_ENVIRONMENT, STACKS } from "../core/environments";
import { parseManagementOutputs } from "../core/management-outputs";
import { placeholderDecrypter, useSopsDecrypter } from "../secrets";
import { parseAnyStackConfig } from "../stack-config";
import { type MockContext, mockResource } from "./mock-state";
import { readCachedOutputs, writeCachedOutputs } from "./outputs-cache";
import { BOOTSTRAP_PLAN_STACK, readStackConfig, toPulumiConfig } from "./stack-files";

export { MOCK_SECRET, readStackConfig, toPulumiConfig } from "./stack-files";

/**
 * Runs the real program for one stack, with its real `Pulumi.<stack>.yaml`, under Pulumi's
 * mocks, and records every resource it registers. This is both the offline plan and the test
 * harness: what the plan prints is exactly what the tests assert on.
 */

export interface PlannedResource {
  readonly type: string;
  /** Pulumi logical name. */
  readonly name: string;
  readonly custom: boolean;
  /** Inputs as the provider would receive them, with every Output resolved. */
  readonly inputs: Record<string, unknown>;
  /** Logical names of the component resources above this one, outermost first. */
  readonly components: readonly string[];
  /** Type of the nearest enclosing component (`""` at the top level). */
  readonly componentType: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** The id of an existing cloud resource this one adopts (the `import` option), when set. */
  readonly importId?: string;
  /** Logical name of the explicit provider used (`""` when a default provider would be used). */
  readonly provider: string;
  /** True when the resource type declares `tags` (AWS taggable resources). */
  readonly taggable: boolean;
  /** Logical names of the resources named in its `dependsOn` (components included, not expanded). */
  readonly dependsOn: readonly string[];
}

export interface PlanResult {
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;
}

export interface EvaluateOptions {
  /** Replace (or with `undefined`, remove) stack config keys, e.g. `{"platform:network": {...}}`. */
  readonly configOverrides?: Readonly<Record<string, unknown>>;
  /** Outputs served to StackReferences (default: evaluate the `management` stack first). */
  readonly stackOutputs?: Readonly<Record<string, Record<string, unknown>>>;
  /** Project root holding Pulumi.yaml (default: found from this file). */
  readonly root?: string;
  /**
   * Run as CI's previews do (`PLATFORM_CI_ROLE=preview`): through the stack's read-only role and
   * the read-only counterparts of the roles it assumes in other accounts.
   */
  readonly ciRole?: "preview";
  /**
   * Keep the committed outputs of the stacks evaluated (this one, and those it reads) on disk for
   * the next run, and read them from there (`outputs-cache.ts`). The offline plan's CLI does; a
   * test, which may replace the program's modules, does not.
   */
  readonly keepOutputs?: boolean;
}

interface Pending {
  type: string;
  name: string;
  opts: pulumi.ResourceOptions;
  parent: Pending | undefined;
  resource: pulumi.Resource;
}

type AnyRecord = Record<string, unknown>;

async function resolveDeep(value: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    pulumi.output(value as pulumi.Input<AnyRecord>).apply((v) => {
      resolve(v);
      return v;
    });
  });
}

// The runtime keeps one global state, so evaluations run one at a time.
let queue: Promise<unknown> = Promise.resolve();
/** Outputs of stacks evaluated with their committed config, by `<root>|<stack>`: what StackReferences read. */
const outputsCache = new Map<string, Record<string, unknown>>();

/**
 * The outputs of `stack` evaluated with its committed config (what another stack's StackReference
 * reads), from an evaluation already made in this process when there is one.
 */
async function committedOutputs(
  stack: string,
  root: string,
  options: EvaluateOptions,
): Promise<Record<string, unknown>> {
  const key = `${root}|${stack}`;
  const cached = outputsCache.get(key) ?? (options.keepOutputs ? readCachedOutputs(root, stack) : undefined);
  if (cached) {
    outputsCache.set(key, cached);
    return cached;
  }
  // The other stack as deployed (its outputs are what a StackReference reads, whoever reads them).
  const outputs = (
    await withRoot(options.root ?? root, () =>
      withCiRoleEnv(undefined, () =>
        evaluate(stack, {
          root: options.root ?? root,
          ...(options.keepOutputs ? { keepOutputs: true } : {}),
        }),
      ),
    )
  ).outputs;
  outputsCache.set(key, outputs);
  return outputs;
}

export function evaluateStack(stack: string, options: EvaluateOptions = {}): Promise<PlanResult> {
  const run = queue.then(() =>
    withoutStackCapture(() =>
      withRoot(options.root, () => withCiRoleEnv(options.ciRole, () => evaluate(stack, options))),
    ),
  );
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Pulumi's SDK captures `new Error().stack` for every promise it creates (to report leaked
 * promises), and under tsx or vitest each capture is source-mapped: that was three quarters of an
 * evaluation's time. The offline evaluation reports errors by message (a ConfigError names stack
 * file and key), so it runs with stack capture off; `PLATFORM_PLAN_DEBUG=1` keeps the stacks.
 */
/** Runs with `PLATFORM_CI_ROLE` as given (the program reads it in `loadConfig`), and back afterwards. */
async function withCiRoleEnv<T>(ciRole: string | undefined, run: () => Promise<T>): Promise<T> {
  const previous = process.env.PLATFORM_CI_ROLE;
  if (ciRole === undefined) delete process.env.PLATFORM_CI_ROLE;
  else process.env.PLATFORM_CI_ROLE = ciRole;
  try {
    return await run();
  } finally {
    if (previous === undefined) delete process.env.PLATFORM_CI_ROLE;
    else process.env.PLATFORM_CI_ROLE = previous;
  }
}

/** Runs with config loading pointed at `root` (the `--root` directory), and back afterwards. */
async function withRoot<T>(root: string | undefined, run: () => Promise<T>): Promise<T> {
  const previous = useProjectRoot(root);
  try {
    return await run();
  } finally {
    useProjectRoot(previous);
  }
}

async function withoutStackCapture<T>(run: () => Promise<T>): Promise<T> {
  if (process.env.PLATFORM_PLAN_DEBUG) return run();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return await run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

export { BOOTSTRAP_PLAN_STACK } from "./stack-files";

async function evaluate(stack: string, options: EvaluateOptions): Promise<PlanResult> {
  const root = findProjectRoot();
  if (stack === BOOTSTRAP_PLAN_STACK) return evaluateBootstrap(root);
  const raw = readStackConfig(stack, root);
  for (const [k, v] of Object.entries(options.configOverrides ?? {})) {
    if (v === undefined) delete raw[k];
    else raw[k] = v;
  }
  const { values, secretKeys } = toPulumiConfig(raw);
  // Validated first, with exactly the inputs the program's loadConfig() sees, so a bad config
  // surfaces as the ConfigError itself before anything is registered, and the requested stack's
  // error is the one reported (not one from the management stack evaluated for its outputs).
  const cfg = parseAnyStackConfig({
    stack,
    project: PROJECT,
    config: values,
    stackFiles: readStackFiles(root),
    latestChartVersion: readChartVersion(root),
  });

  let stackOutputs = options.stackOutputs;
  if (!stackOutputs && cfg.role === "environment") {
    // Served exactly as the contract says: an output the program reads but the contract does not
    // name would be missing on a real StackReference read, and fails here too.
    const mgmt = await committedOutputs(MANAGEMENT_STACK, root, options);
    stackOutputs = {
      [MANAGEMENT_STACK]: parseManagementOutputs(mgmt, `organization/${PROJECT}/${MANAGEMENT_STACK}`),
    };
  } else if (!stackOutputs && cfg.role === "pr") {
    const base = await committedOutputs(PR_BASE_ENVIRONMENT, root, options);
    stackOutputs = {
      [PR_BASE_ENVIRONMENT]: parseBaseEnvironmentOutputs(
        base,
        `organization/${PROJECT}/${PR_BASE_ENVIRONMENT}`,
      ),
    };
  }

  const ctx: MockContext = {
    accountId: cfg.accountId,
    region: cfg.region,
    stackOutputs: stackOutputs ?? {},
    providerRegions: new Map(),
    memberAccountIds: Object.fromEntries(
      ENVIRONMENT_STACKS.flatMap((s) => {
        const id = "peers" in cfg ? cfg.peers[s]?.accountId : undefined;
        return id ? [[STACKS[s].account, id]] : [];
      }),
    ),
  };

  // No KMS offline: SOPS files are read but not decrypted (their values become a placeholder).
  useSopsDecrypter(placeholderDecrypter);
  // Imported lazily so that the program module is loaded after the mocks are in place.
  const result = await runUnderMocks(
    PROJECT,
    stack,
    ctx,
    { values, secretKeys },
    async () => (await import("../program")).main,
  );
  // A stack planned with its committed config is exactly what another stack's StackReference
  // reads: keep its outputs, so planning that stack afterwards does not evaluate this one again.
  const committed =
    options.configOverrides === undefined || Object.keys(options.configOverrides).length === 0;
  if (committed && options.stackOutputs === undefined && options.ciRole === undefined) {
    outputsCache.set(`${root}|${stack}`, result.outputs);
    if (options.keepOutputs) writeCachedOutputs(root, stack, result.outputs);
  }
  return result;
}

/**
 * The bootstrap program (`bootstrap/`): it reads the management stack file itself, in the
 * management account. Its config errors surface as the ConfigError, before anything is registered.
 */
async function evaluateBootstrap(root: string): Promise<PlanResult> {
  const raw = readStackConfig(MANAGEMENT_STACK, root);
  const ctx: MockContext = {
    accountId: String(raw[`${PROJECT}:accountId`] ?? "000000000000"),
    region: String(raw["aws:region"] ?? "eu-west-2"),
    stackOutputs: {},
    providerRegions: new Map(),
  };
  const program = await import("../bootstrap-program");
  program.managementModel();
  return runUnderMocks(
    program.BOOTSTRAP_PROJECT,
    program.BOOTSTRAP_STACK,
    ctx,
    { values: {}, secretKeys: [] },
    async () => program.bootstrapMain,
  );
}

async function runUnderMocks(
  project: string,
  stack: string,
  ctx: MockContext,
  config: { values: Record<string, string>; secretKeys: string[] },
  program: () => Promise<() => Promise<Record<string, unknown>>>,
): Promise<PlanResult> {
  const registered: { args: MockResourceArgs }[] = [];
  // The mock monitor does not run resource transforms (the engine does, in a real run): record
  // them and apply them to what the plan reports (protection) when collecting.
  const transforms: pulumi.ResourceTransform[] = [];
  await pulumi.runtime.setMocks(
    {
      registerTransform(t: pulumi.ResourceTransform) {
        transforms.push(t);
      },
      newResource(args: MockResourceArgs) {
        registered.push({ args });
        return mockResource(args, ctx);
      },
      call(args: MockCallArgs) {
        return mockCall(args, ctx);
      },
    },
    project,
    stack,
    false,
    // StackReference names are `<organization>/<project>/<stack>`.
    "organization",
  );
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);

  const pending: Pending[] = [];
  const byResource = new Map<pulumi.Resource, Pending>();
  const main = await program();
  // A failing program rejects both its own promise and the stack's output registration; the
  // second would otherwise surface as an unhandled rejection and kill the process.
  let stray: unknown;
  const onStray = (reason: unknown) => {
    stray ??= reason;
  };
  process.on("unhandledRejection", onStray);
  try {
    return await collect(stack, main, pending, byResource, registered, transforms);
  } finally {
    // Let the rejected registrations settle before unhooking.
    await new Promise((r) => setImmediate(r));
    process.off("unhandledRejection", onStray);
    if (stray !== undefined && process.env.PLATFORM_PLAN_DEBUG) console.error("stray rejection:", stray);
  }
}

async function collect(
  stack: string,
  main: () => Promise<Record<string, unknown>>,
  pending: Pending[],
  byResource: Map<pulumi.Resource, Pending>,
  registered: { args: MockResourceArgs }[],
  transforms: readonly pulumi.ResourceTransform[],
): Promise<PlanResult> {
  const outputs = await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((t) => {
      const parent = t.opts.parent ? byResource.get(t.opts.parent) : undefined;
      const p: Pending = { type: t.type, name: t.name, opts: t.opts, parent, resource: t.resource };
      pending.push(p);
      byResource.set(t.resource, p);
      return undefined;
    });
    return main();
  });
  const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs?: () => Promise<void> };
  await settings.waitForRPCs?.();
  const resolvedOutputs = ((await resolveDeep(outputs ?? {})) ?? {}) as AnyRecord;
  await settings.waitForRPCs?.();

  const inputsByKey = new Map<string, MockResourceArgs[]>();
  for (const { args } of registered) {
    const key = `${args.type}|${args.name}`;
    inputsByKey.set(key, [...(inputsByKey.get(key) ?? []), args]);
  }

  const protectOf = (p: Pending | undefined): boolean =>
    p === undefined ? false : (p.opts.protect ?? protectOf(p.parent));
  const componentsOf = (p: Pending): string[] => {
    const out: string[] = [];
    for (let c = p.parent; c; c = c.parent) out.unshift(c.name);
    return out;
  };
  const resources: PlannedResource[] = [];
  for (const p of pending) {
    const key = `${p.type}|${p.name}`;
    const args = inputsByKey.get(key)?.shift();
    if (!args) continue; // constructed but never registered (e.g. the construction threw)
    const providerRef = args.provider ?? "";
    const providerName = providerRef ? (providerRef.split("::")[3] ?? "") : "";
    let protect = protectOf(p);
    for (const t of protect ? [] : transforms) {
      const result = await t({
        custom: args.custom ?? true,
        type: p.type,
        name: p.name,
        props: args.inputs ?? {},
        opts: p.opts,
      });
      if (result?.opts?.protect === true) protect = true;
    }
    resources.push({
      type: p.type,
      name: p.name,
      custom: args.custom ?? true,
      inputs: p.type.startsWith("pulumi:providers:")
        ? decodeProviderInputs(args.inputs)
        : ((args.inputs ?? {}) as AnyRecord),
      components: componentsOf(p),
      componentType: p.parent?.type ?? "",
      protect,
      retainOnDelete: p.opts.retainOnDelete === true,
      ...(typeof (p.opts as pulumi.CustomResourceOptions).import === "string"
        ? { importId: String((p.opts as pulumi.CustomResourceOptions).import) }
        : {}),
      provider: providerName,
      taggable: "tagsAll" in (p.resource as object),
      dependsOn: explicitDependencies(p.opts.dependsOn).map((d) => byResource.get(d)?.name ?? "?"),
    });
  }
  return { stack, resources, outputs: resolvedOutputs };
}

/** The resources a `dependsOn` option names (only plain values: the program passes no Outputs there). */
function explicitDependencies(dependsOn: pulumi.ResourceOptions["dependsOn"]): pulumi.Resource[] {
  if (dependsOn === undefined) return [];
  const list = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return list.filter((d): d is pulumi.Resource => pulumi.Resource.isInstance(d));
}

/** Providers receive structured settings as JSON text; decode them so they read like any other inputs. */
function decodeProviderInputs(inputs: unknown): AnyRecord {
  const out: AnyRecord = {};
  for (const [k, v] of Object.entries((inputs ?? {}) as AnyRecord)) {
    if (typeof v === "string" && /^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // not JSON after all: keep the text
      }
    }
    out[k] = v;
  }
  return out;
}

function mockCall(args: MockCallArgs, ctx: MockContext): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: ctx.accountId,
        arn: `arn:aws:iam::${ctx.accountId}:role/platform-deploy`,
        userId: "AROAMOCK",
      };
    case "aws:index/getRegion:getRegion":
      return { name: ctx.region, region: ctx.region, id: ctx.region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com" };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        names: ["a", "b", "c"].map((s) => `${ctx.region}${s}`),
        zoneIds: ["euw2-az1", "euw2-az2", "euw2-az3"],
      };
    case "aws:ec2/getManagedPrefixList:getManagedPrefixList": {
      // AWS's CloudFront origin-facing list: 55 entries count against security group rule quotas.
      const name = String((args.inputs as { name?: unknown }).name ?? "");
      return {
        id: "pl-93a247fa",
        name,
        maxEntries: 55,
        addressFamily: "IPv4",
        entries: [{ cidr: "198.19.0.0/16", description: "" }],
      };
    }
    case "aws:ssoadmin/getInstances:getInstances":
      return {
        arns: ["arn:aws:sso:::instance/ssoins-7223a2b1c4d5e6f7"],
        identityStoreIds: ["d-9c67174c1e"],
        id: ctx.region,
      };
    case "aws:identitystore/getGroup:getGroup": {
      const inputs = args.inputs as {
        identityStoreId?: string;
        alternateIdentifier?: { uniqueAttribute?: { attributeValue?: string } };
      };
      const displayName = String(inputs.alternateIdentifier?.uniqueAttribute?.attributeValue ?? "group");
      let h = 0;
      for (const c of displayName) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
      const hex = h.toString(16).padStart(8, "0");
      return {
        groupId: `${hex}-1111-2222-3333-${hex}${hex.slice(0, 4)}`,
        displayName,
        identityStoreId: inputs.identityStoreId ?? "d-9c67174c1e",
      };
    }
    case "github:index/getTeam:getTeam": {
      const slug = String((args.inputs as { slug?: string }).slug ?? "team");
      let h = 0;
      for (const c of slug) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
      return { id: String(1000000 + (h % 8999999)), slug, name: slug, nodeId: `T_${slug}`, members: [] };
    }
    default:
      return { ...(args.inputs as AnyRecord) };
  }
}

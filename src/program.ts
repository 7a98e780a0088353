import * as pulumi from "@pulumi/pulumi";
import { ConfigError, readChartVersion, readStackFiles } from "./core/config-loader";
import { protectProductionResources } from "./core/protection";
import { awsProvider } from "./core/provider";
import { StackOutputsError } from "./core/stack-outputs";
import { environmentStack } from "./environment";
import { managementStack } from "./management";
import { prStack } from "./pr-environment";
import { parseAnyStackConfig, type StackConfig, withCiRole } from "./stack-config";

/**
 * Reads and validates this stack's configuration: the only place the program reads config.
 * Throws `ConfigError` before any resource exists.
 */
export function loadConfig(): StackConfig {
  const cfg = parseAnyStackConfig({
    stack: pulumi.getStack(),
    project: pulumi.getProject(),
    config: pulumi.runtime.allConfig(),
    stackFiles: readStackFiles(),
    latestChartVersion: readChartVersion(),
  });
  return withCiRole(cfg, process.env.PLATFORM_CI_ROLE);
}

/**
 * The program: validate the stack's config into the model (nothing is registered if that
 * fails), then compose the stack's role. Returns the stack outputs.
 */
export async function main(): Promise<Record<string, unknown>> {
  let cfg: ReturnType<typeof loadConfig>;
  try {
    cfg = loadConfig();
  } catch (err) {
    // RunError: Pulumi prints the message alone, without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  const provider = awsProvider(cfg);
  try {
    // A PR environment is temporary: nothing in it is protected, everything goes with the stack.
    if (cfg.role === "pr") return await prStack(cfg, provider);
    protectProductionResources(cfg.info.productionGrade);
    if (cfg.role === "management") return managementStack(cfg, provider);
    return await environmentStack(cfg, provider);
  } catch (err) {
    if (err instanceof StackOutputsError) {
      throw new pulumi.RunError(err.message);
    }
    throw err;
  }
}

import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./core/config-loader";
import { ManagementOutputsError } from "./core/management-outputs";
import { awsProvider } from "./core/provider";
import { environmentStack } from "./environment";
import { managementStack } from "./management";
import { loadConfig } from "./stack-config";

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
  if (cfg.role === "management") return managementStack(cfg, provider);
  try {
    return await environmentStack(cfg, provider);
  } catch (err) {
    if (err instanceof ManagementOutputsError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

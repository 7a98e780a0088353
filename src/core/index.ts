import * as pulumi from "@pulumi/pulumi";
import { type PlatformConfig, parseConfig, readChartVersion, readStackFiles } from "./config-loader";

export * from "./config-loader";
export * from "./stacks";

/**
 * Reads and validates this stack's configuration: the only place the program reads config.
 * Throws `ConfigError` before any resource exists.
 */
export function loadConfig(): PlatformConfig {
  return parseConfig({
    stack: pulumi.getStack(),
    project: pulumi.getProject(),
    config: pulumi.runtime.allConfig(),
    stackFiles: readStackFiles(),
    latestChartVersion: readChartVersion(),
  });
}

/**
 * The values an environment stack hands the chart through ArgoCD (the cluster secret's chart-values
 * annotation), built with the program's own builder from the stack file's network, for renders that do
 * not go through a whole-stack plan. The ARNs and gateway CIDRs the stack reads from AWS are fixed
 * stand-ins here; `platform-contract.test.ts` renders with the values of each planned stack instead.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { paymentsChartValues } from "../../src/gitops";
import { planSubnets, subnetsOf } from "../../src/network/subnet-plan";
import { analysisChartValues } from "../../src/observability";
import { stackValue } from "../support/harness";
import type { Environment } from "./helm";

export function platformValues(env: Environment): Record<string, unknown> {
  const network = stackValue<{ vpcCidr: string; availabilityZones: string[] }>(env, "platform:network");
  const plan = planSubnets(network.vpcCidr, network.availabilityZones);
  const account = stackValue<string>(env, "platform:accountId");
  const payments = stackValue<{ providerEgressCidrs: string[] }>(env, "platform:payments");
  const site = stackValue<{ datadogSite: string }>(env, "platform:observability").datadogSite;
  return paymentsChartValues({
    privateSubnetCidrs: subnetsOf(plan, "private").map((s) => s.cidr),
    dataSubnetCidrs: subnetsOf(plan, "data").map((s) => s.cidr),
    gatewayEndpointCidrs: ["198.18.0.0/19", "198.18.128.0/20"],
    paymentProviderCidrs: payments.providerEgressCidrs,
    originWebAclArn: `arn:aws:wafv2:eu-west-2:${account}:regional/webacl/platform-${env}-origin/0a1b2c3d-0000-4000-8000-000000000000`,
    cloudfrontPrefixListId: "pl-93a247fa",
    datadogAddress: `https://api.${site}`,
    slo: analysisChartValues(),
  });
}

const files = new Map<Environment, string>();

/** A values file holding `platformValues(env)`, written once per process. */
export function platformValuesFile(env: Environment): string {
  let file = files.get(env);
  if (!file) {
    file = path.join(mkdtempSync(path.join(tmpdir(), "chart-platform-")), `platform-${env}.json`);
    writeFileSync(file, JSON.stringify(platformValues(env)));
    files.set(env, file);
  }
  return file;
}

import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";
import { STACK_NAMES } from "../../src/core/environments";
import {
  costChange,
  estimateCost,
  PRICING,
  pricingOf,
  renderCostChange,
  renderCostMarkdown,
  renderCostText,
} from "../../src/plan/cost";
import { PRICE_TABLE } from "../../src/plan/price-table";
import { changed, planStack } from "../support/harness";

const month = (hourly: number) => hourly * PRICE_TABLE.hoursPerMonth;

describe("the price table covers what the program creates", () => {
  it.each(STACK_NAMES)(
    "every resource type of %s is priced, usage-based or free, and every priced one has a price",
    async (stack) => {
      const plan = await planStack(stack);
      const unclassified = [...new Set(plan.resources.map((r) => r.type))].filter(
        (t) => pricingOf(t) === undefined,
      );
      expect(unclassified, "add these types to PRICING in src/plan/cost.ts").toEqual([]);
      expect(estimateCost(plan).unpriced).toEqual([]);
    },
  );

  it("fails on a billable type the table does not know, and on an instance class it has no price for", async () => {
    const prod = await planStack("prod");
    const withInstance = changed(prod, (rs) => {
      rs.push({
        ...structuredClone(rs[0]!),
        type: "aws:ec2/instance:Instance",
        name: "bastion",
        inputs: { instanceType: "m6i.large" },
      });
      rs.find((r) => r.name === "db-primary")!.inputs.instanceClass = "db.x2g.16xlarge";
    });
    expect(pricingOf("aws:ec2/instance:Instance")).toBeUndefined();
    expect(estimateCost(withInstance).unpriced).toEqual([
      expect.objectContaining({
        type: "aws:rds/instance:Instance",
        name: "db-primary",
        reason: expect.stringMatching(/db\.x2g\.16xlarge/),
      }),
      expect.objectContaining({ type: "aws:ec2/instance:Instance", name: "bastion" }),
    ]);
  });

  it("states where its prices come from and when it was compiled", () => {
    expect(PRICE_TABLE.region).toBe("eu-west-2");
    expect(PRICE_TABLE.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.source).toMatch(/London/);
    expect(Object.values(PRICING).filter((p) => p.kind === "fixed").length).toBeGreaterThan(10);
  });
});

describe("the fixed monthly cost", () => {
  it.each(STACK_NAMES)("of %s has a total, per component, with the table's date", async (stack) => {
    const cost = estimateCost(await planStack(stack));
    expect(cost.total).toBeGreaterThan(0);
    const sum = Object.values(cost.byComponent).reduce((a, b) => a + b, 0);
    expect(cost.total).toBeCloseTo(sum, 1);
    expect(renderCostText(cost)).toMatch(
      new RegExp(
        `Fixed monthly cost of stack "${stack}": \\$[\\d,]+\\.\\d\\d .*price table of ${PRICE_TABLE.date}`,
      ),
    );
    expect(renderCostMarkdown(cost)).toContain(`price table of ${PRICE_TABLE.date}`);
    expect(renderCostText(cost)).toMatch(/Not priced \(billed by use\):[\s\S]*data transfer/);
  });

  it.each(STACK_NAMES)("of %s is the one the README states", async (stack) => {
    const readme = fs.readFileSync(path.join(findProjectRoot(), "README.md"), "utf8");
    const row = new RegExp(`^\\| \`${stack}\` \\| \\$([\\d,]+\\.\\d\\d) \\|$`, "m").exec(readme);
    expect(row, `README "What a stack costs" has no row for ${stack}`).not.toBeNull();
    const total = estimateCost(await planStack(stack)).total;
    expect(`$${row![1]}`, "update the README's cost table (npm run plan -- --stack <stack> --cost)").toBe(
      `$${total.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`,
    );
    expect(readme).toContain(`price table of ${PRICE_TABLE.date}`);
  });

  it("prices prod's NAT gateways, public IPv4 addresses, control plane, system nodes, Multi-AZ database and search domain", async () => {
    const cost = estimateCost(await planStack("prod"));
    const sum = (item: RegExp) =>
      cost.lines.filter((l) => item.test(l.item)).reduce((n, l) => n + l.monthly, 0);
    const t = PRICE_TABLE;
    expect(sum(/^NAT gateway$/)).toBeCloseTo(3 * month(t.hourly.natGateway), 2);
    expect(sum(/^public IPv4/)).toBeCloseTo(3 * month(t.hourly.publicIpv4), 2);
    expect(sum(/^EKS control plane$/)).toBeCloseTo(month(t.hourly.eksCluster), 2);
    expect(sum(/^m6i\.large nodes/)).toBeCloseTo(3 * month(t.ec2["m6i.large"]!), 2);
    expect(sum(/^db\.r6g\.xlarge Multi-AZ$/)).toBeCloseTo(
      2 * month(t.rds.postgresHourly["db.r6g.xlarge"]!),
      2,
    );
    expect(sum(/read replica/)).toBeCloseTo(2 * month(t.rds.postgresHourly["db.r6g.xlarge"]!), 2);
    expect(sum(/dedicated masters/)).toBeCloseTo(3 * month(t.openSearch.hourly["m6g.large.search"]!), 2);
    // 13 interface endpoints in 3 AZs each.
    expect(sum(/^interface endpoint/)).toBeCloseTo(13 * 3 * month(t.hourly.interfaceEndpointPerAz), 2);
    expect(cost.usageBased.map((u) => u.what)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Karpenter/),
        expect.stringMatching(/^S3/),
        expect.stringMatching(/^Lambda/),
      ]),
    );
  });

  it("changes with the configuration, and the diff says by how much per component", async () => {
    const prod = await planStack("prod");
    const bigger = changed(prod, (rs) => {
      const ng = rs.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup")!;
      ng.inputs.scalingConfig = { ...(ng.inputs.scalingConfig as object), desiredSize: 4 };
    });
    const change = costChange(estimateCost(prod), estimateCost(bigger));
    const oneNode = month(PRICE_TABLE.ec2["m6i.large"]!) + 50 * PRICE_TABLE.ebsGp3PerGbMonth;
    expect(change.delta).toBeCloseTo(oneNode, 1);
    expect(change.components).toEqual([
      expect.objectContaining({ component: "cluster", delta: change.delta }),
    ]);
    expect(renderCostChange(change, true)).toMatch(
      /\| cluster \| \$[\d,.]+ \| \$[\d,.]+ \| \+\$\d+\.\d\d \|/,
    );
  });
});

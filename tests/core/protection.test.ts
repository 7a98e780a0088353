import { describe, expect, it } from "vitest";
import { STACK_NAMES, STACKS } from "../../src/core/environments";
import { PROTECTED_IN_PRODUCTION, protectionTransform } from "../../src/core/protection";
import { planStack } from "../support/harness";

describe("protection of production stateful resources", () => {
  it("the transform protects a stateful type only in a production-grade stack", async () => {
    const args = (type: string) => ({ custom: true, type, name: "x", props: {}, opts: {} });
    expect((await protectionTransform(true)(args("aws:rds/instance:Instance")))?.opts.protect).toBe(true);
    expect(await protectionTransform(false)(args("aws:rds/instance:Instance"))).toBeUndefined();
    expect(await protectionTransform(true)(args("aws:iam/role:Role"))).toBeUndefined();
  });

  it.each(STACK_NAMES)(
    "%s: every resource of a stateful type is protected exactly when the stack is production-grade",
    async (stack) => {
      const plan = await planStack(stack);
      const stateful = plan.resources.filter((r) => PROTECTED_IN_PRODUCTION.includes(r.type));
      expect(stateful.length).toBeGreaterThan(0);
      for (const r of stateful) expect(r.protect, `${r.type} ${r.name}`).toBe(STACKS[stack].productionGrade);
    },
  );
});

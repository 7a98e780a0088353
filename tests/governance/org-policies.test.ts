/** Checks every SCP and RCP document must pass before AWS Organizations would accept it. */
import { describe, expect, it } from "vitest";
import { asList, type PolicyDocument, toJson } from "../../src/core/policy-document";
import { dataPerimeterRcp, RCP_SERVICES, resourceControlPolicies } from "../../src/governance/rcp";
import {
  assertAttachmentBudget,
  baselineGuardrails,
  CUSTOM_POLICIES_PER_TARGET,
  identityGuardrail,
  ORG_POLICY_MAX_CHARS,
  prodGuardrails,
  regionGuardrail,
  serviceControlPolicies,
} from "../../src/governance/scp";
import {
  ADMIN_PATTERN,
  DEPLOY_PATTERNS,
  DEV,
  ORG_ID,
  PROD_DEPLOY_ROLE,
  role,
  SCP_ARGS,
  ssoRole,
} from "./policy-fixtures";

// Generous inputs: the size limit must hold with more regions and principals than the platform uses today.
const manyRegions = ["eu-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "us-east-1", "us-west-2"];
const manyDeployers = [
  ...DEPLOY_PATTERNS,
  role("*", "platform-bootstrap-*"),
  role("*", "platform-ci-apply-*"),
];
const manyAdmins = [ADMIN_PATTERN, role("*", "platform-break-glass"), ssoRole("*", "SecurityAudit")];

const scps: Record<string, PolicyDocument> = {
  ...Object.fromEntries(serviceControlPolicies(SCP_ARGS).map((p) => [p.name, p.document])),
  "baseline, no hop limit, many principals": baselineGuardrails({
    deployPrincipalArns: manyDeployers,
    adminPrincipalArns: manyAdmins,
  }),
  "region, six regions, exemptions": regionGuardrail({
    allowedRegions: manyRegions,
    exemptPrincipalArns: manyDeployers,
  }),
  "identity, explicit role names": identityGuardrail({
    deployPrincipalArns: manyDeployers,
    protectedRoleNames: ["platform-*", "OrganizationAccountAccessRole", "github-deploy-*", "break-glass"],
  }),
  "prod, alias and via-services": prodGuardrails({
    secretsKey: { aliasPattern: "alias/platform-prod-secrets*" },
    decryptPrincipalArns: [...manyAdmins, PROD_DEPLOY_ROLE],
    decryptViaServices: ["secretsmanager.eu-west-2.amazonaws.com", "eks.eu-west-2.amazonaws.com"],
  }),
};

const rcps: Record<string, PolicyDocument> = {
  ...Object.fromEntries(
    resourceControlPolicies({ orgId: ORG_ID, targets: ["workloads"] }).map((p) => [p.name, p.document]),
  ),
  "data perimeter, trusted accounts": dataPerimeterRcp({
    orgId: ORG_ID,
    trustedAccountIds: [DEV, "555555555555"],
  }),
};

function actionsOf(doc: PolicyDocument): string[] {
  return doc.Statement.flatMap((s) => [...asList(s.Action), ...asList(s.NotAction)]);
}

describe.each(Object.entries({ ...scps, ...rcps }))("%s", (_name, doc) => {
  it("serialises to JSON that parses back to the same document", () => {
    expect(JSON.parse(toJson(doc))).toEqual(doc);
  });

  it(`fits the ${ORG_POLICY_MAX_CHARS}-character limit as compact JSON`, () => {
    expect(toJson(doc).length).toBeLessThan(ORG_POLICY_MAX_CHARS);
  });

  it("gives every statement its own Sid", () => {
    const sids = doc.Statement.map((s) => s.Sid);
    expect(sids.every((s) => typeof s === "string" && s.length > 0)).toBe(true);
    expect(new Set(sids).size).toBe(sids.length);
  });
});

describe.each(Object.entries(scps))("SCP %s", (_name, doc) => {
  it("only denies, and names no principal (SCPs do not support Principal)", () => {
    for (const s of doc.Statement) {
      expect(s.Effect).toBe("Deny");
      expect(s.Principal).toBeUndefined();
      expect(s.NotPrincipal).toBeUndefined();
    }
  });

  it("writes actions as service:Action", () => {
    for (const a of actionsOf(doc)) expect(a).toMatch(/^(\*|[a-z0-9-]+:[A-Za-z0-9*]+)$/);
  });
});

describe.each(Object.entries(rcps))("RCP %s", (_name, doc) => {
  it('is made of Deny statements with Principal "*" and no NotAction/NotPrincipal', () => {
    for (const s of doc.Statement) {
      expect(s.Effect).toBe("Deny");
      expect(s.Principal).toBe("*");
      expect(s.NotAction).toBeUndefined();
      expect(s.NotPrincipal).toBeUndefined();
    }
  });

  it("only names actions of services RCPs support", () => {
    for (const a of actionsOf(doc)) {
      const [service, action] = a.split(":");
      expect(RCP_SERVICES as readonly string[]).toContain(service);
      expect(action).toMatch(/^[A-Za-z*]+$/);
    }
  });
});

describe("attachment limits", () => {
  it(`rejects a target that would carry more than ${CUSTOM_POLICIES_PER_TARGET} custom policies`, () => {
    const doc = regionGuardrail({ allowedRegions: ["eu-west-2"] });
    const five = Array.from({ length: 5 }, (_, i) => ({
      name: `p${i}`,
      description: "",
      document: doc,
      targets: ["prod"],
    }));
    expect(() => assertAttachmentBudget(five, "SCP")).toThrow(/5 SCPs attach to "prod"/);
    expect(() => assertAttachmentBudget(five.slice(0, 4), "SCP")).not.toThrow();
  });

  it("accepts sibling OUs that each get every guardrail directly", () => {
    const set = serviceControlPolicies({
      ...SCP_ARGS,
      targets: { guarded: ["workloads", "nonprod", "prod"], prod: ["prod"] },
    });
    expect(set.filter((p) => p.targets.includes("prod"))).toHaveLength(4);
  });

  it("refuses to build a set whose documents exceed the size limit", () => {
    const tooMany = Array.from({ length: 120 }, (_, i) => role("*", `platform-deployer-number-${i}`));
    expect(() => serviceControlPolicies({ ...SCP_ARGS, deployPrincipalArns: tooMany })).toThrow(/5120/);
  });
});

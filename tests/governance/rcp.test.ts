import { describe, expect, it } from "vitest";
import { dataPerimeterRcp, RCP_SERVICES, resourceControlPolicies } from "../../src/governance/rcp";
import { denies, denyingSids, type Request } from "../support/policy-evaluator";
import { DEV, MANAGEMENT, ORG_ID, OUTSIDER, role } from "./policy-fixtures";

const doc = dataPerimeterRcp({ orgId: ORG_ID });
const statement = (sid: string) => {
  const s = doc.Statement.find((x) => x.Sid === sid);
  if (!s) throw new Error(`no statement ${sid}`);
  return s;
};

const insider = { arn: role(DEV, "platform-dev-payments-api") };
const outsider = { arn: role(OUTSIDER, "reader") };
const bucketObject = "arn:aws:s3:::platform-dev-artifacts/report.csv";
const serviceActions = [
  "s3:GetObject",
  "sqs:SendMessage",
  "kms:Decrypt",
  "secretsmanager:GetSecretValue",
  "sts:AssumeRole",
];

const call = (
  action: string,
  principal: Request["principal"],
  context: Request["context"] = {},
): Request => ({
  action,
  resource: bucketObject,
  principal,
  context: { "aws:SecureTransport": true, ...context },
});

describe("EnforceSecureTransport", () => {
  it("denies every protected service when aws:SecureTransport is false", () => {
    expect(statement("EnforceSecureTransport").Condition).toEqual({
      Bool: { "aws:SecureTransport": "false" },
    });
    for (const service of RCP_SERVICES) {
      const action = `${service}:AnyAction`;
      expect(
        denyingSids(
          doc,
          call(action, insider, { "aws:SecureTransport": false, "aws:PrincipalOrgID": ORG_ID }),
        ),
      ).toEqual(["EnforceSecureTransport"]);
      expect(denies(doc, call(action, insider, { "aws:PrincipalOrgID": ORG_ID }))).toBe(false);
    }
  });
});

describe("EnforceOrgIdentities", () => {
  it("compares aws:PrincipalOrgID with the organization and exempts AWS service principals", () => {
    expect(statement("EnforceOrgIdentities").Condition).toEqual({
      StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG_ID },
      BoolIfExists: { "aws:PrincipalIsAWSService": "false" },
    });
  });

  it.each(serviceActions)("denies %s to principals outside the organization only", (action) => {
    expect(denies(doc, call(action, outsider, { "aws:PrincipalOrgID": "o-zzzzzzzzzz" }))).toBe(true);
    expect(denies(doc, call(action, insider, { "aws:PrincipalOrgID": ORG_ID }))).toBe(false);
  });

  it("lets AWS services through (a bucket receiving CloudTrail logs, say)", () => {
    const cloudtrail = { service: "cloudtrail.amazonaws.com" };
    expect(
      denies(
        doc,
        call("s3:PutObject", cloudtrail, { "aws:SourceOrgID": ORG_ID, "aws:SourceAccount": MANAGEMENT }),
      ),
    ).toBe(false);
  });

  it.each([
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
  ])("does not cover %s, so CI (GitHub OIDC) and Identity Center sign-ins keep working", (action) => {
    const federated = { federated: `arn:aws:iam::${DEV}:oidc-provider/token.actions.githubusercontent.com` };
    expect(denies(doc, call(action, federated))).toBe(false);
  });

  it("admits principals of trusted accounts outside the organization, and only those", () => {
    const withVendor = dataPerimeterRcp({ orgId: ORG_ID, trustedAccountIds: [OUTSIDER] });
    expect(denies(withVendor, call("s3:GetObject", outsider, { "aws:PrincipalOrgID": "o-zzzzzzzzzz" }))).toBe(
      false,
    );
    const stranger = { arn: role("888888888888", "reader") };
    expect(denies(withVendor, call("s3:GetObject", stranger))).toBe(true);
  });
});

describe("EnforceConfusedDeputyProtection", () => {
  const service = { service: "logging.s3.amazonaws.com" };

  it("denies an AWS service acting for an account outside the organization", () => {
    expect(
      denyingSids(
        doc,
        call("s3:PutObject", service, { "aws:SourceAccount": OUTSIDER, "aws:SourceOrgID": "o-zzzzzzzzzz" }),
      ),
    ).toEqual(["EnforceConfusedDeputyProtection"]);
    expect(denies(doc, call("s3:PutObject", service, { "aws:SourceAccount": OUTSIDER }))).toBe(true);
  });

  it("allows it for accounts of the organization, and when the service names no source account", () => {
    expect(
      denies(doc, call("s3:PutObject", service, { "aws:SourceAccount": DEV, "aws:SourceOrgID": ORG_ID })),
    ).toBe(false);
    expect(denies(doc, call("s3:PutObject", service))).toBe(false);
  });

  it("does not apply to principals that are not AWS services", () => {
    const ctx = {
      "aws:PrincipalOrgID": ORG_ID,
      "aws:SourceAccount": OUTSIDER,
      "aws:SourceOrgID": "o-zzzzzzzzzz",
    };
    expect(denies(doc, call("sqs:SendMessage", insider, ctx))).toBe(false);
  });
});

describe("resourceControlPolicies", () => {
  it("attaches the perimeter to the given targets", () => {
    const set = resourceControlPolicies({ orgId: ORG_ID, targets: ["workloads"] });
    expect(set).toHaveLength(1);
    expect(set[0]?.targets).toEqual(["workloads"]);
    expect(set[0]?.document).toEqual(doc);
  });

  it("rejects malformed organization and account ids, and an empty target list", () => {
    expect(() => dataPerimeterRcp({ orgId: "r-abcd" })).toThrow(/organization id/);
    expect(() => dataPerimeterRcp({ orgId: ORG_ID, trustedAccountIds: ["12345"] })).toThrow(/12-digit/);
    expect(() => resourceControlPolicies({ orgId: ORG_ID, targets: [] })).toThrow();
  });
});

import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { PolicyDocument } from "../../src/core/policy-document";
import { accessOf, assignmentMatrix } from "../../src/governance/assignments";
import { resourceControlPolicies } from "../../src/governance/rcp";
import { SCP_NAMES } from "../../src/governance/scp";
import { named, ofType, type PlanResult, planStack, stackValue, within } from "../support/harness";
import { allows } from "../support/policy-evaluator";

let plan: PlanResult;
beforeAll(async () => {
  plan = await planStack("management");
});

const doc = (json: unknown) => JSON.parse(String(json)) as PolicyDocument;
const members = () => plan.outputs.memberAccountIds as Record<"test" | "preprod" | "prod", string>;
const ous = () => plan.outputs.ouIds as Record<string, string>;
const MGMT = "318274619203";

describe("organization and accounts", () => {
  it("enables all features, SCPs and RCPs on the root, and the services the platform integrates", () => {
    const org = named(plan, "aws:organizations/organization:Organization", "organization");
    expect(org.inputs.featureSet).toBe("ALL");
    expect(org.inputs.enabledPolicyTypes).toEqual(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]);
    expect(org.inputs.awsServiceAccessPrincipals).toEqual(
      expect.arrayContaining(["cloudtrail.amazonaws.com", "sso.amazonaws.com", "ram.amazonaws.com"]),
    );
    expect(org.protect).toBe(true);
  });

  it("nests the environment OUs under Workloads", () => {
    for (const key of ["test", "preprod", "prod"]) {
      expect(
        named(plan, "aws:organizations/organizationalUnit:OrganizationalUnit", `ou-${key}`).inputs.parentId,
      ).toBe(ous().workloads);
    }
  });

  it("creates each member account in its OU with the admin role, protected and never closed by a delete", () => {
    const cfg = stackValue<Record<string, { email: string; ou: string }>>(
      "management",
      "platform:organization",
    ).accounts as unknown as Record<string, { email: string; ou: string }>;
    for (const key of ["test", "preprod", "prod"]) {
      const a = named(plan, "aws:organizations/account:Account", `account-${key}`);
      expect(a.inputs).toMatchObject({
        email: cfg[key]!.email,
        parentId: ous()[cfg[key]!.ou],
        roleName: "OrganizationAccountAccessRole",
        closeOnDeletion: false,
      });
      expect(a.protect).toBe(true);
    }
  });

  it("reaches each member account through its own provider assuming OrganizationAccountAccessRole", () => {
    const roles = ofType(plan, "aws:iam/role:Role").filter((r) => r.inputs.name === "platform-deploy");
    expect(Object.fromEntries(roles.map((r) => [r.name, r.provider]))).toEqual({
      "deploy-management": "aws",
      "deploy-dev": "aws-test",
      "deploy-preprod": "aws-preprod",
      "deploy-prod": "aws-prod",
    });
    const prov = named(plan, "pulumi:providers:aws", "aws-prod").inputs;
    expect(prov.allowedAccountIds).toEqual([members().prod]);
    const chain = (
      typeof prov.assumeRoles === "string" ? JSON.parse(prov.assumeRoles) : prov.assumeRoles
    ) as {
      roleArn: string;
    }[];
    expect(chain.map((r) => r.roleArn)).toEqual([
      `arn:aws:iam::${MGMT}:role/platform-deploy`,
      `arn:aws:iam::${members().prod}:role/OrganizationAccountAccessRole`,
    ]);
    expect(prov.defaultTags).toEqual(named(plan, "pulumi:providers:aws", "aws").inputs.defaultTags);
  });
});

describe("guardrails", () => {
  const policies = () => ofType(plan, "aws:organizations/policy:Policy");
  const attachmentsOf = (logical: string) =>
    ofType(plan, "aws:organizations/policyAttachment:PolicyAttachment")
      .filter((a) => a.name.startsWith(`${logical}-`))
      .map((a) => a.inputs.targetId);

  it("attaches the baseline, region and identity SCPs to Workloads and the prod SCP to the prod OU only", () => {
    const byName = Object.fromEntries(policies().map((p) => [p.inputs.name, p]));
    for (const name of [SCP_NAMES.baseline, SCP_NAMES.region, SCP_NAMES.identity]) {
      expect(byName[name]!.inputs.type).toBe("SERVICE_CONTROL_POLICY");
      expect(attachmentsOf(byName[name]!.name)).toEqual([ous().workloads]);
    }
    expect(attachmentsOf(byName[SCP_NAMES.prod]!.name)).toEqual([ous().prod]);
  });

  it("allows only the configured regions and guards the prod secrets key by its alias", () => {
    const region = doc(policies().find((p) => p.inputs.name === SCP_NAMES.region)!.inputs.content);
    expect(region.Statement[0]!.Condition).toEqual({
      StringNotEquals: { "aws:RequestedRegion": ["eu-west-2", "eu-west-1"] },
    });
    const prod = doc(policies().find((p) => p.inputs.name === SCP_NAMES.prod)!.inputs.content);
    const decrypt = prod.Statement.find((s) => s.Sid === "RestrictProdSecretsDecrypt")!;
    expect(decrypt.Condition?.["ForAnyValue:StringLike"]).toEqual({
      "kms:ResourceAliases": "alias/platform-prod-secrets",
    });
  });

  it("registers the data-perimeter RCP for this organization on Workloads", () => {
    const rcp = policies().find((p) => p.inputs.type === "RESOURCE_CONTROL_POLICY")!;
    const expected = resourceControlPolicies({
      orgId: String(plan.outputs.organizationId),
      targets: ["workloads"],
    });
    expect(doc(rcp.inputs.content)).toEqual(expected[0]!.document);
    expect(attachmentsOf(rcp.name)).toEqual([ous().workloads]);
  });
});

describe("Identity Center", () => {
  const ic = () =>
    stackValue<Parameters<typeof assignmentMatrix>[0]>("management", "platform:identityCenter");

  it("gives developers write access in test and pre-prod, read-only in prod", () => {
    const m = assignmentMatrix(ic());
    expect(accessOf(m, "developers", "test")).toEqual(["Developer"]);
    expect(accessOf(m, "developers", "preprod")).toEqual(["Developer"]);
    expect(accessOf(m, "developers", "prod")).toEqual(["ReadOnly"]);
    expect(accessOf(m, "platform-admins", "prod")).toEqual(["PlatformAdmin"]);
    expect(accessOf(m, "support", "test")).toEqual([]);
  });

  it("registers one assignment per matrix entry, to the right group, permission set and account", () => {
    const matrix = assignmentMatrix(ic());
    const assignments = ofType(plan, "aws:ssoadmin/accountAssignment:AccountAssignment");
    expect(assignments).toHaveLength(matrix.length);
    const psArns = plan.outputs.permissionSetArns as Record<string, string>;
    const ids: Record<string, string> = { management: MGMT, ...members() };
    const groupIds = new Map<string, string>();
    for (const a of matrix) {
      const r = assignments.find(
        (x) =>
          x.inputs.permissionSetArn === psArns[a.permissionSet] &&
          x.inputs.targetId === ids[a.account] &&
          x.name.startsWith(`assign-${a.group}-`),
      );
      expect(r, `${a.group} ${a.permissionSet} ${a.account}`).toBeDefined();
      expect(r!.inputs).toMatchObject({ principalType: "GROUP", targetType: "AWS_ACCOUNT" });
      // One identity-store group per display name, looked up (never created).
      const prev = groupIds.get(a.group);
      if (prev) expect(r!.inputs.principalId).toBe(prev);
      groupIds.set(a.group, String(r!.inputs.principalId));
    }
    expect(new Set(groupIds.values()).size).toBe(3);
    expect(ofType(plan, "aws:identitystore/group:Group")).toHaveLength(0);
  });

  it("gives each permission set its session duration and managed policies", () => {
    const admin = named(plan, "aws:ssoadmin/permissionSet:PermissionSet", "ps-platformadmin");
    expect(admin.inputs.sessionDuration).toBe("PT4H");
    const attached = ofType(plan, "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment")
      .filter((a) => a.name.startsWith("ps-supportteam-"))
      .map((a) => a.inputs.managedPolicyArn);
    expect(attached).toEqual([
      "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
      "arn:aws:iam::aws:policy/AWSSupportAccess",
    ]);
  });
});

describe("CI deploy roles", () => {
  const subOf = (name: string) => {
    const trust = doc(named(plan, "aws:iam/role:Role", name).inputs.assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    const st = trust.Statement[0]!;
    expect(st.Principal).toEqual({ Federated: String(plan.outputs.githubOidcProviderArn) });
    expect(st.Condition?.StringEquals?.["token.actions.githubusercontent.com:aud"]).toBe("sts.amazonaws.com");
    return st.Condition?.StringEquals?.["token.actions.githubusercontent.com:sub"];
  };

  it("lets prod and management deploy only from their protected environments, dev and preprod only from main", () => {
    expect(subOf("ci-deploy-prod")).toBe("repo:payments-co/platform:environment:prod");
    expect(subOf("ci-deploy-management")).toBe("repo:payments-co/platform:environment:management");
    expect(subOf("ci-deploy-dev")).toBe("repo:payments-co/platform:ref:refs/heads/main");
    expect(subOf("ci-deploy-preprod")).toBe("repo:payments-co/platform:ref:refs/heads/main");
    expect(subOf("ci-preview-prod")).toBe("repo:payments-co/platform:pull_request");
  });

  it("lets each account's platform-deploy role be assumed by its own CI deploy role and the platform admins only", () => {
    const ci = plan.outputs.ciRoleArns as Record<string, string>;
    const admins = {
      Principal: { AWS: `arn:aws:iam::${MGMT}:root` },
      Condition: {
        ArnLike: {
          "aws:PrincipalArn": `arn:aws:iam::${MGMT}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_PlatformAdmin_*`,
        },
      },
    };
    for (const stack of ["management", "dev", "preprod", "prod"]) {
      for (const kind of ["deploy", "preview"]) {
        const trust = doc(named(plan, "aws:iam/role:Role", `${kind}-${stack}`).inputs.assumeRolePolicy);
        expect(trust.Statement).toEqual([
          expect.objectContaining({ Principal: { AWS: ci[`${kind}-${stack}`] } }),
          expect.objectContaining(admins),
        ]);
      }
    }
    const perms = doc(named(plan, "aws:iam/rolePolicy:RolePolicy", "ci-deploy-prod-assume").inputs.policy);
    expect(perms.Statement.map((s) => s.Resource)).toEqual([
      `arn:aws:iam::${members().prod}:role/platform-deploy`,
    ]);
  });

  it("uses no long-lived keys anywhere", () => {
    expect(ofType(plan, "aws:iam/accessKey:AccessKey")).toHaveLength(0);
    expect(ofType(plan, "aws:iam/user:User")).toHaveLength(0);
  });
});

describe("per-stack secrets keys", () => {
  const keyPolicy = (stack: string) => doc(named(plan, "aws:kms/key:Key", `secrets-${stack}`).inputs.policy);
  const ci = () => plan.outputs.ciRoleArns as Record<string, string>;
  const deploy = () => plan.outputs.deployRoleArns as Record<string, string>;
  const decrypt = (stack: string, arn: string) => {
    const account = arn.split(":")[4]!;
    return allows(keyPolicy(stack), {
      action: "kms:Decrypt",
      principal: { arn },
      context: { "aws:PrincipalAccount": account },
    });
  };

  it("creates one rotating, protected, retained key per stack behind the alias its stack file names", () => {
    for (const stack of ["management", "dev", "preprod", "prod"]) {
      const key = named(plan, "aws:kms/key:Key", `secrets-${stack}`);
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(key.protect && key.retainOnDelete).toBe(true);
      const alias = named(plan, "aws:kms/alias:Alias", `secrets-${stack}-alias`).inputs.name;
      const file = fs.readFileSync(path.join(__dirname, "../..", `Pulumi.${stack}.yaml`), "utf8");
      expect(file).toContain(`secretsprovider: awskms:///arn:aws:kms:eu-west-2:${MGMT}:${alias}?`);
    }
  });

  it("lets only admins and the prod deploy roles decrypt prod secrets", () => {
    const admin = `arn:aws:iam::${members().prod}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_PlatformAdmin_0123456789abcdef`;
    const developer = `arn:aws:iam::${members().prod}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Developer_0123456789abcdef`;
    expect(decrypt("prod", admin)).toBe(true);
    expect(decrypt("prod", ci()["deploy-prod"]!)).toBe(true);
    expect(decrypt("prod", deploy().prod!)).toBe(true);
    expect(decrypt("prod", developer)).toBe(false);
    expect(decrypt("prod", ci()["preview-prod"]!)).toBe(false);
    expect(decrypt("prod", ci()["deploy-preprod"]!)).toBe(false);
    expect(decrypt("prod", deploy().dev!)).toBe(false);
    // Pull-request previews of dev may read dev's config secrets.
    expect(decrypt("dev", ci()["preview-dev"]!)).toBe(true);
  });

  it("has a .sops.yaml rule per stack directory pointing at that stack's key", () => {
    const sops = parseYaml(fs.readFileSync(path.join(__dirname, "../..", ".sops.yaml"), "utf8")) as {
      creation_rules: { path_regex: string; kms: string }[];
    };
    const aliases = plan.outputs.secretsKeyAliases as Record<string, string>;
    expect(sops.creation_rules).toHaveLength(4);
    for (const [stack, alias] of Object.entries(aliases)) {
      const matching = sops.creation_rules.filter((r) =>
        new RegExp(r.path_regex).test(`secrets/${stack}/app.yaml`),
      );
      expect(matching.map((r) => r.kms)).toEqual([`arn:aws:kms:eu-west-2:${MGMT}:${alias}`]);
    }
  });
});

describe("registries and audit", () => {
  it("makes image and chart repositories immutable, scanned, expiring, and readable by the workload accounts", () => {
    const repos = within(plan, "registries").filter((r) => r.type === "aws:ecr/repository:Repository");
    expect(repos.map((r) => r.inputs.name)).toEqual(
      expect.arrayContaining(["payments-api", "charts/payments"]),
    );
    for (const r of repos) {
      expect(r.inputs).toMatchObject({
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
      });
      const pull = doc(
        named(plan, "aws:ecr/repositoryPolicy:RepositoryPolicy", `${r.name}-pull`).inputs.policy,
      );
      expect(pull.Statement[0]!.Principal).toEqual({
        AWS: Object.values(members()).map((id) => `arn:aws:iam::${id}:root`),
      });
      expect(pull.Statement[0]!.Action).not.toContain("ecr:PutImage");
    }
  });

  it("lets the Lambda service fetch the worker image for the member accounts' functions, and nothing else", () => {
    const lambdaImages = stackValue<{ lambdaImages: string[] }>(
      "management",
      "platform:registries",
    ).lambdaImages;
    expect(lambdaImages).toEqual(["payments-worker"]);
    const policyOf = (repo: string) =>
      doc(named(plan, "aws:ecr/repositoryPolicy:RepositoryPolicy", `image-${repo}-pull`).inputs.policy);
    const lambdaFetch = (repo: string, sourceArn: string | undefined, action = "ecr:BatchGetImage") =>
      allows(policyOf(repo), {
        action,
        principal: { service: "lambda.amazonaws.com" },
        context: sourceArn === undefined ? {} : { "aws:SourceArn": sourceArn },
      });
    for (const id of Object.values(members())) {
      const fn = `arn:aws:lambda:eu-west-2:${id}:function:platform-dev-payments-worker`;
      expect(lambdaFetch("payments-worker", fn)).toBe(true);
      expect(lambdaFetch("payments-worker", fn, "ecr:GetDownloadUrlForLayer")).toBe(true);
      expect(lambdaFetch("payments-worker", fn, "ecr:PutImage")).toBe(false);
      // Only the images Lambda runs from admit it.
      expect(lambdaFetch("payments-api", fn)).toBe(false);
    }
    // Functions of any other account, or a call on nobody's behalf, are refused.
    expect(lambdaFetch("payments-worker", "arn:aws:lambda:eu-west-2:111122223333:function:x")).toBe(false);
    expect(lambdaFetch("payments-worker", undefined)).toBe(false);
    expect(lambdaFetch("payments-worker", `arn:aws:lambda:us-east-1:${members().test}:function:x`)).toBe(
      false,
    );
  });

  it("logs the whole organization to a versioned, encrypted bucket member accounts cannot alter", () => {
    const trail = named(plan, "aws:cloudtrail/trail:Trail", "org-trail");
    expect(trail.inputs).toMatchObject({
      isOrganizationTrail: true,
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
    });
    expect(
      named(plan, "aws:s3/bucketVersioning:BucketVersioning", "audit-versioning").inputs
        .versioningConfiguration,
    ).toEqual({
      status: "Enabled",
    });
    const policy = doc(named(plan, "aws:s3/bucketPolicy:BucketPolicy", "audit-bucket-policy").inputs.policy);
    const bucket = String(plan.outputs.auditBucket);
    for (const id of Object.values(members())) {
      const req = (action: string, resource: string) => ({
        action,
        resource,
        principal: { arn: `arn:aws:iam::${id}:role/platform-deploy` },
        context: { "aws:PrincipalAccount": id, "aws:SecureTransport": true },
      });
      expect(allows(policy, req("s3:DeleteObject", `arn:aws:s3:::${bucket}/AWSLogs/x`))).toBe(false);
      expect(allows(policy, req("s3:PutBucketPolicy", `arn:aws:s3:::${bucket}`))).toBe(false);
    }
    expect(
      allows(policy, {
        action: "s3:PutObject",
        resource: `arn:aws:s3:::${bucket}/AWSLogs/${plan.outputs.organizationId}/x`,
        principal: { service: "cloudtrail.amazonaws.com" },
        context: {
          "aws:SourceArn": String(plan.outputs.auditTrailArn),
          "s3:x-amz-acl": "bucket-owner-full-control",
          "aws:SecureTransport": true,
        },
      }),
    ).toBe(true);
  });
});

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

  it("attaches the baseline, region and identity SCPs to Workloads and Security, and the prod SCP to the prod OU only", () => {
    const byName = Object.fromEntries(policies().map((p) => [p.inputs.name, p]));
    for (const name of [SCP_NAMES.baseline, SCP_NAMES.region, SCP_NAMES.identity]) {
      expect(byName[name]!.inputs.type).toBe("SERVICE_CONTROL_POLICY");
      expect(attachmentsOf(byName[name]!.name)).toEqual([ous().workloads, ous().security]);
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

  it("registers the data-perimeter RCP for this organization on Workloads and Security, admitting only ELB log delivery and Datadog from outside", () => {
    const rcp = policies().find((p) => p.inputs.type === "RESOURCE_CONTROL_POLICY")!;
    const expected = resourceControlPolicies({
      orgId: String(plan.outputs.organizationId),
      targets: ["workloads"],
      // eu-west-2's Elastic Load Balancing log delivery (ALB access logs), Datadog's integration.
      trustedAccountIds: ["652711504416", "464622532012"],
    });
    expect(doc(rcp.inputs.content)).toEqual(expected[0]!.document);
    expect(attachmentsOf(rcp.name)).toEqual([ous().workloads, ous().security]);
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
    expect(subOf("ci-preview-dev")).toEqual([
      "repo:payments-co/platform:pull_request",
      "repo:payments-co/platform:environment:drift",
    ]);
    expect(subOf("ci-preview-prod")).toEqual([
      "repo:payments-co/platform:environment:prod-preview",
      "repo:payments-co/platform:environment:drift",
    ]);
  });

  it("lets each account's platform-deploy role be assumed by its own CI deploy role and the platform admins only; its platform-preview also by management's preview", () => {
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
        // The management stack's preview reads the member accounts through their preview roles.
        const managementPreview = `arn:aws:iam::${MGMT}:role/platform-preview`;
        const principals =
          kind === "preview" && stack !== "management"
            ? [ci[`${kind}-${stack}`], managementPreview]
            : ci[`${kind}-${stack}`];
        expect(trust.Statement).toEqual([
          expect.objectContaining({ Principal: { AWS: principals } }),
          expect.objectContaining(admins),
        ]);
      }
    }
    const perms = doc(
      named(plan, "aws:iam/rolePolicy:RolePolicy", "ci-deploy-prod-permissions").inputs.policy,
    );
    expect(perms.Statement.find((s) => s.Sid === "AssumeStackRole")?.Resource).toBe(
      `arn:aws:iam::${members().prod}:role/platform-deploy`,
    );
  });

  it("gives each CI role its own stack's state and secrets: previews read, deploys write", () => {
    const state = "arn:aws:s3:::platform-pulumi-state-318274619203";
    const perms = (name: string) =>
      doc(named(plan, "aws:iam/rolePolicy:RolePolicy", `ci-${name}-permissions`).inputs.policy);
    const can = (name: string, action: string, resource: string, context: Record<string, string> = {}) =>
      allows(perms(name), { action, resource, principal: { arn: `arn:aws:iam::${MGMT}:role/x` }, context });
    const checkpoint = (stack: string) => `${state}/.pulumi/stacks/platform/${stack}.json`;

    expect(can("preview-prod", "s3:GetObject", checkpoint("prod"))).toBe(true);
    expect(can("preview-prod", "s3:PutObject", checkpoint("prod"))).toBe(false);
    expect(can("preview-prod", "s3:GetObject", checkpoint("dev"))).toBe(false);
    expect(can("deploy-prod", "s3:PutObject", checkpoint("prod"))).toBe(true);
    expect(
      can("deploy-prod", "s3:PutObject", `${state}/.pulumi/locks/organization/platform/prod/l.json`),
    ).toBe(true);
    expect(can("deploy-prod", "s3:PutObject", checkpoint("preprod"))).toBe(false);
    expect(can("deploy-dev", "s3:PutObject", checkpoint("management"))).toBe(false);
    // Environments read the management outputs their StackReference needs; management reads no other stack.
    expect(can("preview-dev", "s3:GetObject", checkpoint("management"))).toBe(true);
    expect(can("preview-management", "s3:GetObject", checkpoint("dev"))).toBe(false);
    // Keys: by alias, the state key only through S3.
    const key = `arn:aws:kms:eu-west-2:${MGMT}:key/k`;
    const alias = (a: string) => ({ "kms:ResourceAliases": a });
    expect(can("preview-prod", "kms:Decrypt", key, alias("alias/platform-prod-secrets"))).toBe(true);
    expect(can("preview-prod", "kms:Encrypt", key, alias("alias/platform-prod-secrets"))).toBe(false);
    expect(can("preview-prod", "kms:Decrypt", key, alias("alias/platform-dev-secrets"))).toBe(false);
    expect(can("deploy-prod", "kms:GenerateDataKey", key, alias("alias/platform-prod-secrets"))).toBe(true);
    const viaS3 = { ...alias("alias/platform-pulumi-state"), "kms:ViaService": "s3.eu-west-2.amazonaws.com" };
    expect(can("deploy-dev", "kms:GenerateDataKey", key, viaS3)).toBe(true);
    expect(can("deploy-dev", "kms:Decrypt", key, alias("alias/platform-pulumi-state"))).toBe(false);
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

  it("creates one rotating, protected, retained key per environment behind the alias its stack file names", () => {
    for (const stack of ["dev", "preprod", "prod"]) {
      const key = named(plan, "aws:kms/key:Key", `secrets-${stack}`);
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(key.protect && key.retainOnDelete).toBe(true);
      const alias = named(plan, "aws:kms/alias:Alias", `secrets-${stack}-alias`).inputs.name;
      const file = fs.readFileSync(path.join(__dirname, "../..", `Pulumi.${stack}.yaml`), "utf8");
      expect(file).toContain(`secretsprovider: awskms:///arn:aws:kms:eu-west-2:${MGMT}:${alias}?`);
    }
    // The management stack's own key is its secrets provider: the bootstrap program creates it.
    expect(ofType(plan, "aws:kms/alias:Alias").map((a) => a.inputs.name)).not.toContain(
      "alias/platform-management-secrets",
    );
  });

  it("lets only admins and the prod deploy roles use prod secrets, and the reviewed prod preview decrypt them", () => {
    const admin = `arn:aws:iam::${members().prod}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_PlatformAdmin_0123456789abcdef`;
    const developer = `arn:aws:iam::${members().prod}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_Developer_0123456789abcdef`;
    expect(decrypt("prod", admin)).toBe(true);
    expect(decrypt("prod", ci()["deploy-prod"]!)).toBe(true);
    expect(decrypt("prod", deploy().prod!)).toBe(true);
    expect(decrypt("prod", developer)).toBe(false);
    // Only a run in the protected prod-preview environment (reviewed) or the drift check assumes it.
    expect(decrypt("prod", ci()["preview-prod"]!)).toBe(true);
    expect(decrypt("prod", ci()["preview-preprod"]!)).toBe(false);
    expect(decrypt("prod", ci()["deploy-preprod"]!)).toBe(false);
    expect(decrypt("prod", deploy().dev!)).toBe(false);
    expect(
      allows(keyPolicy("prod"), {
        action: "kms:Encrypt",
        principal: { arn: ci()["preview-prod"]! },
        context: { "aws:PrincipalAccount": MGMT },
      }),
    ).toBe(false);
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

describe("the security baseline (management plan)", () => {
  const security = () => String(plan.outputs.securityAccountId);
  const inSecurity = (r: { provider: string }) => r.provider === "aws-security";
  const inManagement = (r: { provider: string }) => r.provider === "aws";
  const regions = () =>
    stackValue<{ allowedRegions: string[] }>("management", "platform:organization").allowedRegions;

  it("creates the security tooling account in its own Security OU, under the guardrails, reached through its own provider", () => {
    const ou = named(plan, "aws:organizations/organizationalUnit:OrganizationalUnit", "ou-security");
    const account = named(plan, "aws:organizations/account:Account", "account-security");
    expect(account.inputs).toMatchObject({
      parentId: ous().security,
      roleName: "OrganizationAccountAccessRole",
      closeOnDeletion: false,
    });
    expect(ou.inputs.name).toBe("Security");
    expect(account.protect).toBe(true);
    const provider = ofType(plan, "pulumi:providers:aws").find((p) => p.name === "aws-security")!;
    expect(provider.inputs.allowedAccountIds).toEqual([security()]);
    expect(JSON.stringify(provider.inputs.assumeRoles)).toContain(
      `arn:aws:iam::${security()}:role/OrganizationAccountAccessRole`,
    );
  });

  it("designates the security account, from the management account, for GuardDuty in every region, Security Hub, Config and Access Analyzer", () => {
    const gd = ofType(plan, "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount");
    expect(gd.map((a) => a.inputs.region).sort()).toEqual([...regions()].sort());
    const hub = ofType(plan, "aws:securityhub/organizationAdminAccount:OrganizationAdminAccount");
    const delegated = ofType(plan, "aws:organizations/delegatedAdministrator:DelegatedAdministrator");
    expect(delegated.map((d) => d.inputs.servicePrincipal).sort()).toEqual([
      "access-analyzer.amazonaws.com",
      "config.amazonaws.com",
    ]);
    for (const d of [...gd, ...hub]) expect(d.inputs.adminAccountId, d.name).toBe(security());
    for (const d of delegated) expect(d.inputs.accountId, d.name).toBe(security());
    for (const d of [...gd, ...hub, ...delegated]) expect(inManagement(d), d.name).toBe(true);
  });

  it("GuardDuty: from the security account, every member auto-enabled with the S3, EKS, RDS and runtime protections", () => {
    const orgs = ofType(plan, "aws:guardduty/organizationConfiguration:OrganizationConfiguration");
    expect(orgs).toHaveLength(regions().length);
    for (const o of orgs) {
      expect(o.inputs.autoEnableOrganizationMembers).toBe("ALL");
      expect(inSecurity(o)).toBe(true);
    }
    const features = ofType(
      plan,
      "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature",
    );
    for (const region of regions()) {
      const here = features.filter((f) => f.inputs.region === region);
      expect(here.map((f) => f.inputs.name)).toEqual(
        expect.arrayContaining([
          "S3_DATA_EVENTS",
          "EKS_AUDIT_LOGS",
          "RDS_LOGIN_EVENTS",
          "RUNTIME_MONITORING",
        ]),
      );
      for (const f of here) expect(f.inputs.autoEnable).toBe("ALL");
    }
    // The detector exists in the security account before the designation finds it.
    const admin = named(
      plan,
      "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount",
      "guardduty-eu-west-2-admin",
    );
    expect(admin.inputs.region).toBe("eu-west-2");
    expect(inSecurity(named(plan, "aws:guardduty/detector:Detector", "guardduty-eu-west-2"))).toBe(true);
  });

  it("Security Hub: central configuration with the three standards associated with the root, findings aggregated", () => {
    const central = named(
      plan,
      "aws:securityhub/organizationConfiguration:OrganizationConfiguration",
      "securityhub-organization",
    );
    expect(central.inputs).toMatchObject({
      autoEnable: false,
      organizationConfiguration: { configurationType: "CENTRAL" },
    });
    expect(inSecurity(central)).toBe(true);
    const policy = named(
      plan,
      "aws:securityhub/configurationPolicy:ConfigurationPolicy",
      "securityhub-policy",
    );
    const standards = (policy.inputs.configurationPolicy as { enabledStandardArns: string[] })
      .enabledStandardArns;
    expect(standards.map((a) => a.split("::standards/")[1])).toEqual([
      "aws-foundational-security-best-practices/v/1.0.0",
      "cis-aws-foundations-benchmark/v/3.0.0",
      "pci-dss/v/4.0.1",
    ]);
    const association = named(
      plan,
      "aws:securityhub/configurationPolicyAssociation:ConfigurationPolicyAssociation",
      "securityhub-policy-root",
    );
    const root = named(plan, "aws:organizations/organization:Organization", "organization");
    expect(String(association.inputs.targetId)).toMatch(/^r-/);
    expect(root.inputs.awsServiceAccessPrincipals).toEqual(
      expect.arrayContaining([
        "securityhub.amazonaws.com",
        "guardduty.amazonaws.com",
        "config.amazonaws.com",
        "access-analyzer.amazonaws.com",
      ]),
    );
    const aggregator = named(
      plan,
      "aws:securityhub/findingAggregator:FindingAggregator",
      "securityhub-aggregator",
    );
    expect(aggregator.inputs).toMatchObject({
      linkingMode: "SPECIFIED_REGIONS",
      specifiedRegions: ["eu-west-1"],
    });
  });

  it("Config: an organization aggregator in the security account; every account records into its central bucket", () => {
    const aggregator = named(
      plan,
      "aws:cfg/configurationAggregator:ConfigurationAggregator",
      "config-aggregator",
    );
    expect(aggregator.inputs.organizationAggregationSource).toMatchObject({ allRegions: true });
    expect(inSecurity(aggregator)).toBe(true);
    expect(plan.outputs.configBucketName).toBe(`platform-security-config-${security()}`);
    for (const account of ["management", "security"]) {
      expect(
        named(plan, "aws:cfg/recorderStatus:RecorderStatus", `baseline-${account}-config-recorder-status`)
          .inputs.isEnabled,
      ).toBe(true);
      expect(
        named(plan, "aws:cfg/deliveryChannel:DeliveryChannel", `baseline-${account}-config-delivery`).inputs
          .s3BucketName,
      ).toBe(plan.outputs.configBucketName);
      expect(
        named(
          plan,
          "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
          `baseline-${account}-s3-account-public-access`,
        ).inputs,
      ).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
  });

  it("Access Analyzer: organization analyzers of external access in every region and of unused access", () => {
    const analyzers = ofType(plan, "aws:accessanalyzer/analyzer:Analyzer");
    expect(analyzers.filter((a) => a.inputs.type === "ORGANIZATION")).toHaveLength(regions().length);
    const unused = analyzers.find((a) => a.inputs.type === "ORGANIZATION_UNUSED_ACCESS")!;
    expect(unused.inputs.configuration).toEqual({ unusedAccess: { unusedAccessAge: 90 } });
    for (const a of analyzers) expect(inSecurity(a)).toBe(true);
  });

  it("high-severity findings reach the security alerts topic through EventBridge, via the management account's bus", () => {
    const forward = named(
      plan,
      "aws:cloudwatch/eventTarget:EventTarget",
      "high-severity-findings-to-management",
    );
    expect(forward.inputs.arn).toBe(`arn:aws:events:eu-west-2:${MGMT}:event-bus/default`);
    expect(inSecurity(forward)).toBe(true);
    const rule = named(plan, "aws:cloudwatch/eventRule:EventRule", "forwarded-findings");
    expect(JSON.parse(String(rule.inputs.eventPattern)).account).toEqual([security()]);
    const toTopic = named(plan, "aws:cloudwatch/eventTarget:EventTarget", "forwarded-findings-to-topic");
    expect(toTopic.inputs.arn).toBe(plan.outputs.securityAlertsTopicArn);
    const bus = doc(
      named(plan, "aws:cloudwatch/eventBusPolicy:EventBusPolicy", "default-bus-policy").inputs.policy,
    );
    expect(
      allows(bus, {
        action: "events:PutEvents",
        resource: String(forward.inputs.arn),
        principal: { arn: `arn:aws:iam::${security()}:role/platform-security-findings-forwarder` },
      }),
    ).toBe(true);
  });

  it("CloudTrail security alarms: one metric filter on the trail's log group and one alarm to the topic each", () => {
    const trail = named(plan, "aws:cloudtrail/trail:Trail", "org-trail");
    expect(String(trail.inputs.cloudWatchLogsGroupArn)).toMatch(
      /log-group:\/platform\/management\/org-trail:\*$/,
    );
    const filters = ofType(plan, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
    expect(filters.map((f) => f.name)).toEqual([
      "trail-root-account-usage",
      "trail-console-sign-in-without-mfa",
      "trail-organization-policy-changes",
      "trail-cloudtrail-changes",
      "trail-kms-key-deletion",
      "trail-iam-policy-changes",
    ]);
    for (const f of filters) {
      expect(f.inputs.logGroupName).toBe("/platform/management/org-trail");
      const alarm = named(
        plan,
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        f.name.replace(/^trail-/, "alarm-"),
      );
      expect(alarm.inputs.alarmActions).toEqual([plan.outputs.securityAlertsTopicArn]);
      expect(alarm.inputs.metricName).toBe((f.inputs.metricTransformation as { name: string }).name);
    }
  });

  it("the trail records the payment stores' data events and keeps management events", () => {
    const trail = named(plan, "aws:cloudtrail/trail:Trail", "org-trail");
    const selectors = trail.inputs.advancedEventSelectors as {
      fieldSelectors: { field: string; equals?: string[]; startsWiths?: string[] }[];
    }[];
    const field = (i: number, f: string) => selectors[i]!.fieldSelectors.find((x) => x.field === f);
    expect(field(0, "eventCategory")?.equals).toEqual(["Management"]);
    const accounts = Object.fromEntries(
      ["dev", "preprod", "prod"].map((e) => [e, stackValue<string>(e, "platform:accountId")]),
    );
    expect(field(1, "resources.type")?.equals).toEqual(["AWS::S3::Object"]);
    expect(field(1, "resources.ARN")?.startsWiths).toEqual(
      Object.entries(accounts).map(([e, id]) => `arn:aws:s3:::platform-${e}-payments-archive-${id}/`),
    );
    expect(field(2, "resources.type")?.equals).toEqual(["AWS::DynamoDB::Table"]);
    expect(field(2, "resources.ARN")?.equals).toEqual(
      Object.entries(accounts).map(
        ([e, id]) => `arn:aws:dynamodb:eu-west-2:${id}:table/platform-${e}-payments`,
      ),
    );
  });

  it("the audit bucket's server access logs go to a separate, protected bucket that only S3 log delivery writes", () => {
    const logging = named(plan, "aws:s3/bucketLogging:BucketLogging", "audit-access-logging");
    expect(logging.inputs.bucket).toBe(plan.outputs.auditBucket);
    expect(logging.inputs.targetBucket).toBe(plan.outputs.auditAccessLogBucket);
    expect(plan.outputs.auditAccessLogBucket).not.toBe(plan.outputs.auditBucket);
    expect(named(plan, "aws:s3/bucket:Bucket", "audit-access-logs-bucket").protect).toBe(true);
    const policy = doc(
      named(plan, "aws:s3/bucketPolicy:BucketPolicy", "audit-access-logs-policy").inputs.policy,
    );
    const put = (principal: { service: string } | { arn: string }, source: string) =>
      allows(policy, {
        action: "s3:PutObject",
        resource: `arn:aws:s3:::${String(plan.outputs.auditAccessLogBucket)}/x`,
        principal,
        context: {
          "aws:SourceArn": `arn:aws:s3:::${source}`,
          "aws:SourceAccount": MGMT,
          "aws:SecureTransport": true,
        },
      });
    expect(put({ service: "logging.s3.amazonaws.com" }, String(plan.outputs.auditBucket))).toBe(true);
    expect(put({ service: "logging.s3.amazonaws.com" }, "someone-elses-bucket")).toBe(false);
    expect(put({ arn: `arn:aws:iam::${MGMT}:role/platform-deploy` }, String(plan.outputs.auditBucket))).toBe(
      false,
    );
  });

  it("budgets for the management and security accounts, and a daily cost-anomaly subscription", () => {
    for (const account of ["management", "security"]) {
      const budget = named(plan, "aws:budgets/budget:Budget", `baseline-${account}-budget`);
      expect(budget.inputs).toMatchObject({ budgetType: "COST", timeUnit: "MONTHLY", limitUnit: "USD" });
      const notifications = budget.inputs.notifications as { notificationType: string }[];
      expect(notifications.map((n) => n.notificationType)).toContain("FORECASTED");
      expect(budget.provider).toBe(account === "security" ? "aws-security" : "aws");
    }
    const subscription = named(
      plan,
      "aws:costexplorer/anomalySubscription:AnomalySubscription",
      "cost-anomaly-subscription",
    );
    expect(subscription.inputs).toMatchObject({ frequency: "DAILY" });
    // One customer-managed monitor of every account: AWS allows one AWS-services monitor per
    // account and creates it itself, so the program creates none.
    expect(subscription.inputs.monitorArnLists as string[]).toHaveLength(1);
    expect(
      ofType(plan, "aws:costexplorer/anomalyMonitor:AnomalyMonitor").map((m) => m.inputs.monitorType),
    ).toEqual(["CUSTOM"]);
    const spec = JSON.parse(
      String(
        named(plan, "aws:costexplorer/anomalyMonitor:AnomalyMonitor", "cost-anomaly-accounts").inputs
          .monitorSpecification,
      ),
    ) as { Dimensions: { Key: string; Values: string[] } };
    expect(spec.Dimensions.Key).toBe("LINKED_ACCOUNT");
    expect(spec.Dimensions.Values).toContain("318274619203");
    expect(spec.Dimensions.Values).toHaveLength(5);
  });
});

import type { PolicyGroup } from "./policy-types";
import { decoded, forTypes, isSet, list, obj, read } from "./props";

const IAM_USER_TYPES = [
  "aws:iam/user:User",
  "aws:iam/accessKey:AccessKey",
  "aws:iam/userLoginProfile:UserLoginProfile",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
];

/** Identity policies (not key, bucket or queue policies, whose "*" means "this resource"). */
const IDENTITY_POLICY_TYPES = [
  "aws:iam/role:Role",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy",
];

/**
 * Actions that read or write data rather than manage infrastructure. Granting them on every
 * resource ("*") hands a principal every object, item, message, secret and key of the account.
 */
const DATA_PLANE = [
  /^\*$/,
  /^s3:(\*|(Get|Put|Delete|Restore)Object.*|(Get|Put|Delete)\*)$/i,
  /^dynamodb:(\*|(Get|Put|Update|Delete|BatchGet|BatchWrite)Item|Query|Scan|PartiQL.*)$/i,
  /^sqs:(\*|SendMessage.*|ReceiveMessage|DeleteMessage.*)$/i,
  /^sns:(\*|Publish)$/i,
  /^kms:(\*|Decrypt|Encrypt|ReEncrypt.*|GenerateDataKey.*)$/i,
  /^secretsmanager:(\*|GetSecretValue|PutSecretValue|BatchGetSecretValue)$/i,
  /^ssm:(\*|GetParameters?.*)$/i,
  /^es:(\*|ESHttp.*)$/i,
  /^rds-db:(\*|connect)$/i,
  /^lambda:(\*|Invoke.*)$/i,
  /^ses:(\*|Send.*)$/i,
];

/** The policy documents a resource carries; a document not known yet (during preview) is skipped. */
function documents(type: string, p: Record<string, unknown>): unknown[] {
  if (type === "aws:iam/role:Role") return list(read(p, "inlinePolicies")).map((ip) => read(ip, "policy"));
  if (type === "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy")
    return [read(p, "inlinePolicy")];
  return [read(p, "policy")];
}

export const iamPolicies: PolicyGroup = () => [
  {
    name: "iam-no-users-or-access-keys",
    cls: "baseline",
    description:
      "No IAM users, passwords or access keys: people sign in through Identity Center, machines assume roles.",
    remediationSteps:
      "Use an Identity Center permission set for a person, a role with OIDC or Pod Identity trust for a machine; the organization's SCPs refuse IAM users anyway.",
    validateResource: forTypes(IAM_USER_TYPES, (_p, args, report) => {
      report(`${args.type.split(":").pop()} creates long-lived credentials`);
    }),
  },
  {
    name: "iam-no-data-plane-wildcard",
    cls: "baseline",
    description:
      "No identity policy allows a data-plane action (objects, items, messages, secrets, keys) on every resource.",
    remediationSteps:
      'Name the bucket, table, queue, secret or key ARNs in Resource (the data services\' policy builders in src/data/ do); keep "*" for Describe/List calls that take no resource.',
    validateResource: forTypes(IDENTITY_POLICY_TYPES, (p, args, report) => {
      for (const raw of documents(args.type, p)) {
        if (typeof raw !== "string" && obj(raw) === undefined) continue;
        const doc = obj(decoded(raw));
        for (const s of list(doc?.Statement)) {
          const st = obj(s);
          if (st?.Effect !== "Allow" || !list(st.Resource).map(String).includes("*")) continue;
          if (isSet(st, "NotAction")) {
            report(
              `statement ${String(st.Sid ?? "")} allows everything but ${JSON.stringify(st.NotAction)} on "*"`.trim(),
            );
            continue;
          }
          const bad = list(st.Action)
            .map(String)
            .filter((a) => DATA_PLANE.some((re) => re.test(a)));
          if (bad.length > 0) report(`allows ${bad.join(", ")} on every resource ("*")`);
        }
      }
    }),
  },
];

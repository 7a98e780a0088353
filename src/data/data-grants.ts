import { createHash } from "node:crypto";
import { type PolicyDocument, policy } from "../core/policy-document";

/**
 * The grants inside the data stores that IAM alone cannot give, as plain data: the PostgreSQL users
 * IAM database authentication logs in as (with their table privileges), and the OpenSearch
 * fine-grained access control roles of the workload roles (index-scoped). A Kubernetes Job in the
 * environment cluster applies them on every deploy (`DataGrants`): the cluster is the one place
 * inside the data subnets' security groups, so no operator, CI runner or VPN route ever needs a
 * path to the databases.
 */

export interface PostgresUsers {
  /** Writes transactions (primary). */
  readonly worker: string;
  /** Reads payments (primary and replicas). */
  readonly api: string;
  /** Read-only (replicas). */
  readonly admin: string;
}

const IDENT = /^[a-z][a-z0-9_]{0,62}$/;

function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`"${name}" is not a plain PostgreSQL identifier`);
  return name;
}

/**
 * Idempotent SQL, run as the master user on the primary (replicas replicate it): each IAM user exists,
 * may log in only through IAM (`rds_iam`), and holds exactly its privileges on the application's
 * tables, including those the owner creates later (default privileges).
 */
export function postgresGrantsSql(a: {
  readonly databaseName: string;
  readonly owner: string;
  readonly users: PostgresUsers;
}): string {
  const db = ident(a.databaseName);
  const owner = ident(a.owner);
  const { worker, api, admin } = {
    worker: ident(a.users.worker),
    api: ident(a.users.api),
    admin: ident(a.users.admin),
  };
  const all = [worker, api, admin];
  const readers = [api, admin].join(", ");
  return [
    "\\set ON_ERROR_STOP on",
    "BEGIN;",
    ...all.map(
      (u) =>
        `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${u}') THEN CREATE ROLE ${u} LOGIN; END IF; END $$;`,
    ),
    `GRANT rds_iam TO ${all.join(", ")};`,
    `GRANT CONNECT ON DATABASE ${db} TO ${all.join(", ")};`,
    `GRANT USAGE ON SCHEMA public TO ${all.join(", ")};`,
    `GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO ${worker};`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${worker};`,
    `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${readers};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO ${worker};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${worker};`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT SELECT ON TABLES TO ${readers};`,
    "COMMIT;",
    "",
  ].join("\n");
}

/** One call of the OpenSearch security REST API. */
export interface SearchRequest {
  readonly method: "PUT";
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** The fine-grained access control roles of the payments index. */
export const SEARCH_ROLES = { writer: "payments-writer", reader: "payments-reader" } as const;

/**
 * Roles scoped to the payments index, and their mappings to IAM roles (backend roles): the workers
 * (Lambda and in-cluster) index, the API searches. Nothing else is mapped, so no other role reads it.
 */
export function searchSecurityRequests(a: {
  readonly index: string;
  readonly writerRoleArns: readonly string[];
  readonly readerRoleArns: readonly string[];
}): SearchRequest[] {
  if (a.writerRoleArns.length === 0 || a.readerRoleArns.length === 0) {
    throw new Error("searchSecurityRequests: at least one writer and one reader role");
  }
  const api = "_plugins/_security/api";
  return [
    {
      method: "PUT",
      path: `${api}/roles/${SEARCH_ROLES.writer}`,
      body: {
        cluster_permissions: ["cluster_composite_ops"],
        index_permissions: [
          {
            index_patterns: [a.index],
            allowed_actions: ["crud", "create_index", "indices:admin/mapping/put"],
          },
        ],
      },
    },
    {
      method: "PUT",
      path: `${api}/rolesmapping/${SEARCH_ROLES.writer}`,
      body: { backend_roles: [...a.writerRoleArns] },
    },
    {
      method: "PUT",
      path: `${api}/roles/${SEARCH_ROLES.reader}`,
      body: {
        cluster_permissions: ["cluster_composite_ops_ro"],
        index_permissions: [{ index_patterns: [a.index], allowed_actions: ["read"] }],
      },
    },
    {
      method: "PUT",
      path: `${api}/rolesmapping/${SEARCH_ROLES.reader}`,
      body: { backend_roles: [...a.readerRoleArns] },
    },
  ];
}

/** Where the grants Job runs, and its service account (bound to `dataGrantsPolicy` by Pod Identity). */
export const DATA_GRANTS = { namespace: "platform-data", serviceAccount: "data-grants" } as const;

/** What the grants Job may do: read the master password, act as the search master role. Nothing else. */
export function dataGrantsPolicy(a: {
  readonly masterSecretArn: string;
  readonly keyArn: string;
  readonly searchMasterRoleArn: string;
  readonly region: string;
}): PolicyDocument {
  return policy(
    {
      Sid: "ReadTheMasterPassword",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: a.masterSecretArn,
    },
    {
      Sid: "DecryptItThroughSecretsManager",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: a.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${a.region}.amazonaws.com` } },
    },
    {
      Sid: "ActAsTheSearchMaster",
      Effect: "Allow",
      Action: ["sts:AssumeRole", "sts:TagSession"],
      Resource: a.searchMasterRoleArn,
    },
  );
}

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/**
 * The Job's two steps. `prepare` (AWS CLI image): fetch the master password and the RDS CA bundle
 * into a memory volume, then apply the OpenSearch roles as the search master role (SigV4 with curl).
 * `grant` (PostgreSQL client image): run the SQL on the primary over verified TLS.
 */
export function dataGrantsScripts(a: {
  readonly sql: string;
  readonly searchRequests: readonly SearchRequest[];
}) {
  const calls = a.searchRequests.map(
    (r) =>
      `curl --fail-with-body --silent --show-error --aws-sigv4 "aws:amz:$AWS_REGION:es" ` +
      `--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-security-token: $AWS_SESSION_TOKEN" ` +
      `-H "Content-Type: application/json" -X ${r.method} "https://$SEARCH_ENDPOINT/${r.path}" ` +
      `--data ${q(JSON.stringify(r.body))}; echo`,
  );
  const prepare = [
    "set -eu",
    'aws secretsmanager get-secret-value --secret-id "$DB_MASTER_SECRET_ARN" --query SecretString --output text |',
    `  sed -E 's/.*"password"[[:space:]]*:[[:space:]]*"([^"]*)".*/\\1/' > /work/password`,
    'curl --fail --silent --show-error "https://truststore.pki.rds.amazonaws.com/$AWS_REGION/$AWS_REGION-bundle.pem" -o /work/rds-ca.pem',
    'printf "[profile search-master]\\nrole_arn = %s\\ncredential_source = EcsContainer\\n" "$SEARCH_MASTER_ROLE_ARN" > "$AWS_CONFIG_FILE"',
    'eval "$(aws configure export-credentials --profile search-master --format env)"',
    ...calls,
    'echo "OpenSearch roles applied"',
  ].join("\n");
  const grant = [
    "set -eu",
    'PGPASSWORD="$(cat /work/password)" psql --no-psqlrc --quiet \\',
    "  \"host=$DB_HOST port=5432 dbname=$DB_NAME user=$DB_MASTER_USER sslmode=verify-full sslrootcert=/work/rds-ca.pem\" <<'SQL'",
    a.sql.trimEnd(),
    "SQL",
    'echo "PostgreSQL users granted"',
  ].join("\n");
  return { prepare, grant };
}

/** A short digest of what the Job applies: its name changes with it, so a changed grant runs again. */
export function grantsDigest(scripts: { prepare: string; grant: string }): string {
  return createHash("sha256").update(scripts.prepare).update(scripts.grant).digest("hex").slice(0, 10);
}

/** The Job (batch/v1) running the two steps, hardened like the chart's pods. */
export function dataGrantsJobManifest(a: {
  readonly name: string;
  readonly awsCliImage: string;
  readonly postgresImage: string;
  readonly region: string;
  readonly scripts: { prepare: string; grant: string };
  readonly env: Readonly<Record<string, string>>;
}) {
  const labels = { "app.kubernetes.io/name": "data-grants", "app.kubernetes.io/part-of": "platform" };
  const hardened = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
  const env = [
    { name: "AWS_REGION", value: a.region },
    { name: "HOME", value: "/tmp" },
    { name: "AWS_CONFIG_FILE", value: "/tmp/aws-config" },
    ...Object.entries(a.env).map(([name, value]) => ({ name, value })),
  ];
  const mounts = [
    { name: "work", mountPath: "/work" },
    { name: "tmp", mountPath: "/tmp" },
  ];
  const resources = { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: a.name, namespace: DATA_GRANTS.namespace, labels },
    spec: {
      backoffLimit: 6,
      activeDeadlineSeconds: 1800,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: DATA_GRANTS.serviceAccount,
          restartPolicy: "Never",
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          initContainers: [
            {
              name: "prepare",
              image: a.awsCliImage,
              command: ["/bin/sh", "-c", a.scripts.prepare],
              env,
              resources,
              securityContext: hardened,
              volumeMounts: mounts,
            },
          ],
          containers: [
            {
              name: "grant",
              image: a.postgresImage,
              command: ["/bin/sh", "-c", a.scripts.grant],
              env,
              resources,
              securityContext: hardened,
              volumeMounts: mounts,
            },
          ],
          volumes: [
            { name: "work", emptyDir: { medium: "Memory", sizeLimit: "8Mi" } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
}

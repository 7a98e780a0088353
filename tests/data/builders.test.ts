import { describe, expect, it } from "vitest";
import { podIdentityTrustFor } from "../../src/cluster/cluster-iam";
import { asList, type PolicyDocument } from "../../src/core/policy-document";
import { alarmDefinitions } from "../../src/data/alarm-definitions";
import { isPerformanceInsightsRetention } from "../../src/data/data-config";
import {
  dataGrantsJobManifest,
  dataGrantsPolicy,
  dataGrantsScripts,
  grantsDigest,
  postgresGrantsSql,
  searchSecurityRequests,
} from "../../src/data/data-grants";
import { DATA_KEY_VIA_SERVICES, dataKeyPolicy } from "../../src/data/data-key-policy";
import { dataNames } from "../../src/data/data-names";
import {
  archiveBucketPolicy,
  assertVisibilityTimeout,
  queuePolicy,
  redriveAllowPolicy,
  redrivePolicy,
} from "../../src/data/pipeline-policies";
import { postgresParameters } from "../../src/data/postgres-parameters";
import {
  adminPolicy,
  apiPolicy,
  clusterWorkerPolicy,
  workerFunctionPolicy,
} from "../../src/data/workload-policies";
import { validateObject } from "../support/k8s-schema";
import { allows } from "../support/policy-evaluator";

const ACCOUNT = "751029384756";
const REGION = "eu-west-2";
const resources = {
  queueArn: `arn:aws:sqs:${REGION}:${ACCOUNT}:platform-prod-payments`,
  tableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/platform-prod-payments`,
  archiveBucketArn: "arn:aws:s3:::platform-prod-payments-archive-751029384756",
  archivePrefix: "payloads/",
  keyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234`,
  providerSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:prod/payments/provider-api-key-AbCdEf`,
  searchDomainArn: `arn:aws:es:${REGION}:${ACCOUNT}:domain/platform-prod-payments`,
  searchIndex: "payments",
  email: {
    identityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/prod.payments.example.com`,
    configurationSetArn: `arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/platform-prod-payments-email`,
    domain: "prod.payments.example.com",
  },
  dbConnect: {
    worker: `arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:db-PRIMARY/payments_worker`,
    api: [`arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:db-PRIMARY/payments_api`],
    admin: [`arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:db-REPLICA1/payments_readonly`],
  },
};
const resourcesOf = (doc: PolicyDocument) => doc.Statement.flatMap((s) => asList(s.Resource));

describe("workload policies", () => {
  const logGroupArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/platform/prod/payments-worker`;
  const docs = {
    worker: workerFunctionPolicy(resources, logGroupArn),
    clusterWorker: clusterWorkerPolicy(resources),
    api: apiPolicy(resources),
    admin: adminPolicy(resources),
  };

  it.each(Object.entries(docs))("%s: every resource is this environment's, none is *", (_, doc) => {
    const exact = [
      resources.queueArn,
      resources.tableArn,
      resources.keyArn,
      resources.providerSecretArn,
      resources.dbConnect.worker,
      ...resources.dbConnect.api,
      ...resources.dbConnect.admin,
      `${resources.searchDomainArn}/payments`,
      `${resources.searchDomainArn}/payments/*`,
      `${resources.archiveBucketArn}/payloads/*`,
      `${logGroupArn}:log-stream:*`,
      resources.email.identityArn,
      resources.email.configurationSetArn,
    ];
    for (const r of resourcesOf(doc)) expect(exact).toContain(r);
    for (const s of doc.Statement)
      expect(asList(s.Action).some((a) => a.endsWith(":*") || a === "*")).toBe(false);
  });

  it("the worker consumes only its queue, updates only its table and connects only as its user", () => {
    const bySid = Object.fromEntries(docs.worker.Statement.map((s) => [s.Sid, s]));
    expect(bySid.ConsumePaymentsQueue?.Resource).toBe(resources.queueArn);
    expect(bySid.CompletePayments?.Action).toEqual(["dynamodb:GetItem", "dynamodb:UpdateItem"]);
    expect(bySid.ConnectAsWorker?.Resource).toBe(resources.dbConnect.worker);
    expect(bySid.ReadArchivedPayloads?.Resource).toBe(`${resources.archiveBucketArn}/payloads/*`);
  });

  it("only the workers send receipts: through the SES identity, from the environment's domain", () => {
    const send = (doc: PolicyDocument, from: string, resource = resources.email.identityArn) =>
      allows(doc, { action: "ses:SendEmail", resource, context: { "ses:FromAddress": from } });
    for (const doc of [docs.worker, docs.clusterWorker]) {
      expect(send(doc, "receipts@prod.payments.example.com")).toBe(true);
      expect(send(doc, "receipts@prod.payments.example.com", resources.email.configurationSetArn)).toBe(true);
      expect(send(doc, "ceo@payments.example.com")).toBe(false);
      expect(
        send(doc, "x@prod.payments.example.com", `arn:aws:ses:${REGION}:${ACCOUNT}:identity/other.com`),
      ).toBe(false);
    }
    for (const doc of [docs.api, docs.admin])
      expect(send(doc, "receipts@prod.payments.example.com")).toBe(false);
  });

  it("the admin tool cannot write", () => {
    const actions = docs.admin.Statement.flatMap((s) => asList(s.Action));
    expect(actions.filter((a) => /Put|Update|Delete|Post|Encrypt|GenerateDataKey/.test(a))).toEqual([]);
  });

  it("pod identity trust is limited to one cluster in the account", () => {
    const clusterArn = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/platform-prod-eks`;
    const [s] = podIdentityTrustFor({ accountId: ACCOUNT, clusterArn }).Statement;
    expect(s?.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(s?.Condition?.ArnEquals?.["aws:SourceArn"]).toBe(clusterArn);
    expect(s?.Condition?.StringEquals?.["aws:SourceAccount"]).toBe(ACCOUNT);
  });
});

describe("queue and bucket policies", () => {
  it("only this bucket, in this account, may send to the queue; plain HTTP is denied", () => {
    const bucketArn = resources.archiveBucketArn;
    const doc = queuePolicy({ queueArn: resources.queueArn, bucketArn, accountId: ACCOUNT });
    const allow = doc.Statement.find((s) => s.Effect === "Allow");
    expect(allow).toMatchObject({
      Principal: { Service: "s3.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: resources.queueArn,
      Condition: {
        ArnEquals: { "aws:SourceArn": bucketArn },
        StringEquals: { "aws:SourceAccount": ACCOUNT },
      },
    });
    const deny = doc.Statement.find((s) => s.Effect === "Deny");
    expect(deny?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("the archive refuses non-TLS requests and uploads under another key", () => {
    const doc = archiveBucketPolicy({ bucketArn: resources.archiveBucketArn, keyArn: resources.keyArn });
    const sids = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
    expect(sids.DenyInsecureTransport?.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
    expect(sids.DenyInsecureTransport?.Resource).toEqual([
      resources.archiveBucketArn,
      `${resources.archiveBucketArn}/*`,
    ]);
    expect(sids.DenyOtherKmsKeys?.Condition).toEqual({
      StringNotEqualsIfExists: { "s3:x-amz-server-side-encryption-aws-kms-key-id": resources.keyArn },
    });
  });

  it("redrive: max receive count at least 1; the DLQ takes only the payments queue", () => {
    expect(JSON.parse(redrivePolicy("arn:dlq", 5))).toEqual({
      deadLetterTargetArn: "arn:dlq",
      maxReceiveCount: 5,
    });
    expect(() => redrivePolicy("arn:dlq", 0)).toThrow(/at least 1/);
    expect(JSON.parse(redriveAllowPolicy("arn:q"))).toEqual({
      redrivePermission: "byQueue",
      sourceQueueArns: ["arn:q"],
    });
  });

  it("visibility timeout covers six worker timeouts", () => {
    expect(() => assertVisibilityTimeout(360, 60, 6)).not.toThrow();
    expect(() => assertVisibilityTimeout(359, 60, 6)).toThrow(/under 6 × the worker timeout 60 s \(360 s\)/);
  });
});

describe("data key policy", () => {
  const doc = dataKeyPolicy({ accountId: ACCOUNT, region: REGION, logGroupPrefix: "/platform/prod/" });
  const sid = (id: string) => doc.Statement.find((s) => s.Sid === id);

  it("lets the account use the key only through the data services", () => {
    expect(DATA_KEY_VIA_SERVICES).toEqual(
      expect.arrayContaining([
        "rds",
        "dynamodb",
        "s3",
        "sqs",
        "secretsmanager",
        "es",
        "sns",
        "lambda",
        "backup",
      ]),
    );
    const via = sid("AccountUsesKeyThroughDataServices")?.Condition?.StringEquals?.["kms:ViaService"];
    expect(via).toEqual(DATA_KEY_VIA_SERVICES.map((s) => `${s}.${REGION}.amazonaws.com`));
  });

  it("lets CloudWatch Logs encrypt only the stack's log groups", () => {
    expect(sid("CloudWatchLogsForStackLogGroups")?.Condition).toEqual({
      ArnLike: {
        "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/platform/prod/*`,
      },
    });
  });

  it("service principals act only for this account", () => {
    for (const s of doc.Statement.filter(
      (x) => x.Principal !== "*" && x.Principal && "Service" in x.Principal,
    )) {
      if (s.Sid === "CloudWatchLogsForStackLogGroups") continue;
      expect(s.Condition?.StringEquals?.["aws:SourceAccount"]).toBe(ACCOUNT);
    }
  });
});

describe("RDS parameters, names and alarms", () => {
  it("forces TLS 1.2+ and SCRAM passwords", () => {
    const params = Object.fromEntries(
      postgresParameters({ slowStatementMs: 500 }).map((p) => [p.name, p.value]),
    );
    expect(params["rds.force_ssl"]).toBe("1");
    expect(params.ssl_min_protocol_version).toBe("TLSv1.2");
    expect(params.password_encryption).toBe("scram-sha-256");
    expect(params.log_min_duration_statement).toBe("500");
  });

  it("accepts only the Performance Insights retention periods RDS offers", () => {
    expect([7, 31, 93, 713, 731].every(isPerformanceInsightsRetention)).toBe(true);
    expect([0, 8, 30, 32, 744, 732].some(isPerformanceInsightsRetention)).toBe(false);
  });

  it("names fit the services' limits", () => {
    const n = dataNames({ project: "platform", stack: "preprod" }, "640192837465", 2);
    expect(n.searchDomain.length).toBeLessThanOrEqual(28);
    expect(n.archiveBucket.length).toBeLessThanOrEqual(63);
    expect(n.replicas).toEqual([
      "platform-preprod-payments-db-replica-1",
      "platform-preprod-payments-db-replica-2",
    ]);
    expect(n.providerApiKeySecret).toBe("preprod/payments/provider-api-key");
  });

  it("builds one alarm per concern, per RDS instance, and replica lag per replica", () => {
    const defs = alarmDefinitions(
      {
        queueOldestMessageSeconds: 300,
        workerErrors: 0,
        rdsCpuPercent: 80,
        rdsFreeStorageGiB: 10,
        replicaLagSeconds: 30,
      },
      {
        accountId: ACCOUNT,
        queue: "q",
        dlq: "dlq",
        workerFunction: "fn",
        database: "db",
        replicas: ["r1", "r2"],
        table: "t",
        searchDomain: "d",
      },
    );
    const byId = Object.fromEntries(defs.map((d) => [d.id, d]));
    expect(byId["dlq-not-empty"]).toMatchObject({
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "dlq" },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    });
    expect(byId["queue-oldest-message"]?.threshold).toBe(300);
    expect(byId["db-free-storage"]).toMatchObject({
      threshold: 10 * 1024 ** 3,
      comparisonOperator: "LessThanThreshold",
    });
    expect(defs.filter((d) => d.metricName === "CPUUtilization")).toHaveLength(3);
    expect(
      defs.filter((d) => d.metricName === "ReplicaLag").map((d) => d.dimensions.DBInstanceIdentifier),
    ).toEqual(["r1", "r2"]);
    expect(byId["search-cluster-red"]?.dimensions).toEqual({ DomainName: "d", ClientId: ACCOUNT });
    expect(new Set(defs.map((d) => d.id)).size).toBe(defs.length);
  });
});

describe("grants inside the data stores", () => {
  const users = { worker: "payments_worker", api: "payments_api", admin: "payments_readonly" };
  const sql = postgresGrantsSql({ databaseName: "payments", owner: "payments_owner", users });

  it("creates each IAM user once, for IAM login only, with exactly its privileges (tables created later too)", () => {
    for (const u of Object.values(users)) {
      expect(sql).toContain(
        `IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${u}') THEN CREATE ROLE ${u} LOGIN;`,
      );
    }
    expect(sql).toContain("GRANT rds_iam TO payments_worker, payments_api, payments_readonly;");
    expect(sql).toContain("GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO payments_worker;");
    expect(sql).toContain("GRANT SELECT ON ALL TABLES IN SCHEMA public TO payments_api, payments_readonly;");
    expect(sql).toContain(
      "ALTER DEFAULT PRIVILEGES FOR ROLE payments_owner IN SCHEMA public GRANT SELECT ON TABLES TO payments_api, payments_readonly;",
    );
    // Nobody but the worker writes; nobody gets DELETE or ownership.
    const writes = sql.split("\n").filter((l) => /INSERT|UPDATE/.test(l));
    for (const l of writes) expect(l).toMatch(/TO payments_worker;$/);
    expect(sql).not.toMatch(/DELETE|SUPERUSER|CREATEROLE|ALL PRIVILEGES/);
    expect(sql.startsWith("\\set ON_ERROR_STOP on\nBEGIN;")).toBe(true);
    expect(() => postgresGrantsSql({ databaseName: "payments", owner: "x; DROP", users })).toThrow();
  });

  it("maps the workers to an index-scoped writer role and the API to a reader role in OpenSearch", () => {
    const requests = searchSecurityRequests({
      index: "payments",
      writerRoleArns: ["arn:aws:iam::751029384756:role/lambda", "arn:aws:iam::751029384756:role/eks-worker"],
      readerRoleArns: ["arn:aws:iam::751029384756:role/api"],
    });
    const byPath = Object.fromEntries(requests.map((r) => [r.path, r.body]));
    expect(byPath["_plugins/_security/api/rolesmapping/payments-writer"]).toEqual({
      backend_roles: ["arn:aws:iam::751029384756:role/lambda", "arn:aws:iam::751029384756:role/eks-worker"],
    });
    expect(byPath["_plugins/_security/api/rolesmapping/payments-reader"]).toEqual({
      backend_roles: ["arn:aws:iam::751029384756:role/api"],
    });
    for (const role of ["payments-writer", "payments-reader"]) {
      const body = byPath[`_plugins/_security/api/roles/${role}`] as {
        index_permissions: { index_patterns: string[] }[];
      };
      expect(body.index_permissions.map((p) => p.index_patterns)).toEqual([["payments"]]);
    }
    const reader = byPath["_plugins/_security/api/roles/payments-reader"] as {
      index_permissions: { allowed_actions: string[] }[];
    };
    expect(reader.index_permissions[0]!.allowed_actions).toEqual(["read"]);
  });

  it("gives the Job's role the master password and the search master role, nothing else", () => {
    const doc = dataGrantsPolicy({
      masterSecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-1`,
      keyArn: resources.keyArn,
      searchMasterRoleArn: `arn:aws:iam::${ACCOUNT}:role/platform-prod-search-master`,
      region: REGION,
    });
    const can = (action: string, resource: string, context = {}) =>
      allows(doc, { action, resource, context });
    expect(
      can("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-1`),
    ).toBe(true);
    expect(can("secretsmanager:GetSecretValue", resources.providerSecretArn)).toBe(false);
    expect(
      can("kms:Decrypt", resources.keyArn, { "kms:ViaService": `secretsmanager.${REGION}.amazonaws.com` }),
    ).toBe(true);
    expect(can("kms:Decrypt", resources.keyArn)).toBe(false);
    expect(can("sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/platform-prod-search-master`)).toBe(true);
    expect(can("sts:AssumeRole", `arn:aws:iam::${ACCOUNT}:role/platform-deploy`)).toBe(false);
  });

  it("runs as a hardened, schema-valid Job whose name changes with what it applies", () => {
    const requests = searchSecurityRequests({
      index: "payments",
      writerRoleArns: ["a"],
      readerRoleArns: ["b"],
    });
    const scripts = dataGrantsScripts({ sql, searchRequests: requests });
    expect(scripts.grant).toContain("sslmode=verify-full sslrootcert=/work/rds-ca.pem");
    expect(scripts.prepare).toContain('--aws-sigv4 "aws:amz:$AWS_REGION:es"');
    expect(scripts.prepare.split("\n").filter((l) => l.startsWith("curl --fail-with-body"))).toHaveLength(4);
    const job = dataGrantsJobManifest({
      name: `data-grants-${grantsDigest(scripts)}`,
      awsCliImage: "318274619203.dkr.ecr.eu-west-2.amazonaws.com/mirror/aws-cli/aws-cli:2.27.0",
      postgresImage: "318274619203.dkr.ecr.eu-west-2.amazonaws.com/mirror/library/postgres:16.9",
      region: REGION,
      scripts,
      env: { DB_HOST: "db", DB_NAME: "payments" },
    });
    expect(validateObject(job)).toEqual([]);
    const other = dataGrantsScripts({
      sql,
      searchRequests: searchSecurityRequests({
        index: "payments",
        writerRoleArns: ["a", "c"],
        readerRoleArns: ["b"],
      }),
    });
    expect(grantsDigest(other)).not.toBe(grantsDigest(scripts));
  });
});

import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustFor } from "../cluster";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { toJson } from "../core/policy-document";
import {
  DATA_GRANTS,
  dataGrantsJobManifest,
  dataGrantsPolicy,
  dataGrantsScripts,
  grantsDigest,
  type PostgresUsers,
  postgresGrantsSql,
  searchSecurityRequests,
} from "./data-grants";

/** The data-grants Job's role (Pod Identity): named ahead, so the search master role can trust it. */
export function dataGrantsRoleName(naming: NameContext): string {
  return physicalName(naming, "data-grants");
}

export interface DataGrantsArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  readonly region: string;
  /** The environment cluster: its Kubernetes provider, name and ARN (Pod Identity). */
  readonly cluster: { readonly provider: k8s.Provider; readonly name: string; readonly arn: string };
  /** Images of the Job's two steps (mirrored in the management ECR). */
  readonly awsCliImage: string;
  readonly postgresImage: string;
  readonly database: {
    readonly host: pulumi.Input<string>;
    readonly name: string;
    readonly masterUser: string;
    readonly masterSecretArn: pulumi.Input<string>;
    readonly users: PostgresUsers;
  };
  readonly search: {
    readonly endpoint: pulumi.Input<string>;
    readonly masterRoleArn: pulumi.Input<string>;
    readonly index: string;
    readonly writerRoleArns: pulumi.Input<string>[];
    readonly readerRoleArns: pulumi.Input<string>[];
  };
  readonly keyArn: pulumi.Input<string>;
  /** What must exist first: the database instances, the search domain and its access policy, the cluster's nodes. */
  readonly after: pulumi.Input<pulumi.Resource>[];
}

/**
 * Applies the grants inside the data stores on every deploy: a Job in the environment cluster (its
 * own namespace and Pod Identity role: the master password and the search master role, nothing else)
 * creates the PostgreSQL users IAM authentication logs in as, with their privileges, and maps the
 * workload roles to index-scoped OpenSearch roles. Its name carries a digest of what it applies, so a
 * changed grant runs again; `pulumi up` waits for it and fails if it fails.
 */
export class DataGrants extends pulumi.ComponentResource {
  constructor(name: string, args: DataGrantsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:DataGrants", name, {}, opts);
    const { naming } = args;
    const inCluster = { parent: this, provider: args.cluster.provider };

    const namespace = new k8s.core.v1.Namespace(
      "data-grants-namespace",
      { metadata: { name: DATA_GRANTS.namespace, labels: { "app.kubernetes.io/part-of": "platform" } } },
      inCluster,
    );
    const role = new aws.iam.Role(
      "data-grants-role",
      {
        name: dataGrantsRoleName(naming),
        description:
          "The data-grants Job: reads the database master password, acts as the search master role",
        assumeRolePolicy: toJson(
          podIdentityTrustFor({ accountId: args.accountId, clusterArn: args.cluster.arn }),
        ),
        tags: nameTag(naming, "data-grants"),
      },
      { parent: this },
    );
    const access = new aws.iam.RolePolicy(
      "data-grants-access",
      {
        role: role.id,
        policy: pulumi
          .all([args.database.masterSecretArn, args.keyArn, args.search.masterRoleArn])
          .apply(([masterSecretArn, keyArn, searchMasterRoleArn]) =>
            toJson(dataGrantsPolicy({ masterSecretArn, keyArn, searchMasterRoleArn, region: args.region })),
          ),
      },
      { parent: this },
    );
    const association = new aws.eks.PodIdentityAssociation(
      "data-grants-pod-identity",
      {
        clusterName: args.cluster.name,
        namespace: DATA_GRANTS.namespace,
        serviceAccount: DATA_GRANTS.serviceAccount,
        roleArn: role.arn,
        tags: nameTag(naming, "data-grants"),
      },
      { parent: this },
    );
    const account = new k8s.core.v1.ServiceAccount(
      "data-grants-service-account",
      {
        metadata: { name: DATA_GRANTS.serviceAccount, namespace: DATA_GRANTS.namespace },
        automountServiceAccountToken: false,
      },
      { ...inCluster, dependsOn: [namespace] },
    );

    const sql = postgresGrantsSql({
      databaseName: args.database.name,
      owner: args.database.masterUser,
      users: args.database.users,
    });
    const manifest = pulumi
      .all([
        pulumi.all(args.search.writerRoleArns),
        pulumi.all(args.search.readerRoleArns),
        args.database.host,
        args.database.masterSecretArn,
        args.search.endpoint,
        args.search.masterRoleArn,
      ])
      .apply(([writerRoleArns, readerRoleArns, host, masterSecretArn, endpoint, masterRoleArn]) => {
        const scripts = dataGrantsScripts({
          sql,
          searchRequests: searchSecurityRequests({
            index: args.search.index,
            writerRoleArns,
            readerRoleArns,
          }),
        });
        return dataGrantsJobManifest({
          name: `data-grants-${grantsDigest(scripts)}`,
          awsCliImage: args.awsCliImage,
          postgresImage: args.postgresImage,
          region: args.region,
          scripts,
          env: {
            DB_HOST: host,
            DB_NAME: args.database.name,
            DB_MASTER_USER: args.database.masterUser,
            DB_MASTER_SECRET_ARN: masterSecretArn,
            SEARCH_ENDPOINT: endpoint,
            SEARCH_MASTER_ROLE_ARN: masterRoleArn,
          },
        });
      });
    new k8s.batch.v1.Job(
      "data-grants",
      { metadata: manifest.metadata, spec: manifest.spec },
      { ...inCluster, dependsOn: [account, association, access, ...args.after], deleteBeforeReplace: true },
    );
    this.registerOutputs({});
  }
}

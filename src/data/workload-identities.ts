import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustFor } from "../cluster";
import { type NameContext, nameTag, physicalName } from "../core/naming";
import { type PolicyDocument, toJson } from "../core/policy-document";
import { adminPolicy, apiPolicy, clusterWorkerPolicy, type WorkloadResources } from "./workload-policies";

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly serviceAccount: string;
}

export interface WorkloadIdentitiesArgs {
  readonly naming: NameContext;
  readonly accountId: string;
  /** The EKS cluster's fixed physical name (Pod Identity associations name it). */
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly workloads: {
    readonly api: ServiceAccountRef;
    readonly admin: ServiceAccountRef;
    readonly worker: ServiceAccountRef;
  };
  readonly resources: pulumi.Input<WorkloadResources>;
}

type Workload = "api" | "admin" | "worker";

const POLICIES: Record<Workload, (r: WorkloadResources) => PolicyDocument> = {
  api: apiPolicy,
  admin: adminPolicy,
  worker: clusterWorkerPolicy,
};

/**
 * IAM roles of the payments API, the admin tool and the in-cluster worker, each bound to its
 * Kubernetes service account by an EKS Pod Identity association and holding only its own
 * least-privilege policy.
 */
export class WorkloadIdentities extends pulumi.ComponentResource {
  readonly roleArns: Record<Workload, pulumi.Output<string>>;

  constructor(name: string, args: WorkloadIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:WorkloadIdentities", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };
    const trust = toJson(podIdentityTrustFor({ accountId: args.accountId, clusterArn: args.clusterArn }));
    const arns = {} as Record<Workload, pulumi.Output<string>>;
    for (const workload of ["api", "admin", "worker"] as const) {
      // The Lambda worker has its own role; the in-cluster worker's is `payments-worker-eks`.
      const id = workload === "worker" ? "payments-worker-eks" : `payments-${workload}`;
      const role = new aws.iam.Role(
        `${id}-role`,
        { name: physicalName(naming, id), assumeRolePolicy: trust, tags: nameTag(naming, id) },
        parent,
      );
      new aws.iam.RolePolicy(
        `${id}-access`,
        {
          role: role.id,
          policy: pulumi
            .output(args.resources)
            .apply((r) => toJson(POLICIES[workload](r as WorkloadResources))),
        },
        parent,
      );
      const sa = args.workloads[workload];
      new aws.eks.PodIdentityAssociation(
        `${id}-pod-identity`,
        {
          clusterName: args.clusterName,
          namespace: sa.namespace,
          serviceAccount: sa.serviceAccount,
          roleArn: role.arn,
          tags: nameTag(naming, id),
        },
        parent,
      );
      arns[workload] = role.arn;
    }
    this.roleArns = arns;
    this.registerOutputs({ roleArns: this.roleArns });
  }
}

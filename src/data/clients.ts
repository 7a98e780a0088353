import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";

export interface DataClientsArgs {
  readonly naming: NameContext;
  readonly vpcId: pulumi.Input<string>;
  readonly vpcCidr: string;
  /** Create the "workload clients" group the cluster's nodes/pods join (when the cluster's own group is not available). */
  readonly createWorkloadClientsGroup: boolean;
}

/**
 * The security groups that identify who may reach the data services: the worker's own group,
 * and (until the cluster's node security group is wired in) a "workload clients" group that
 * the cluster's nodes or pods attach. RDS and OpenSearch admit only these groups.
 */
export class DataClients extends pulumi.ComponentResource {
  readonly workerSecurityGroupId: pulumi.Output<string>;
  readonly workloadClientsSecurityGroupId: pulumi.Output<string> | undefined;

  constructor(name: string, args: DataClientsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:DataClients", name, {}, opts);
    const { naming } = args;
    const egress = [
      {
        description: "HTTPS: AWS APIs (endpoints, S3/DynamoDB gateways) and OpenSearch",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
      },
      {
        description: "PostgreSQL inside the VPC",
        protocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        cidrBlocks: [args.vpcCidr],
      },
    ];
    const worker = new aws.ec2.SecurityGroup(
      "worker-sg",
      {
        vpcId: args.vpcId,
        description: "Payments worker (Lambda): no inbound; HTTPS out, PostgreSQL inside the VPC",
        ingress: [],
        egress,
        tags: nameTag(naming, "payments-worker"),
      },
      { parent: this },
    );
    this.workerSecurityGroupId = worker.id;
    if (args.createWorkloadClientsGroup) {
      const clients = new aws.ec2.SecurityGroup(
        "workload-clients-sg",
        {
          vpcId: args.vpcId,
          description: "Cluster workloads allowed to reach RDS and OpenSearch (attached by the cluster)",
          ingress: [],
          egress,
          tags: nameTag(naming, "workload-clients"),
        },
        { parent: this },
      );
      this.workloadClientsSecurityGroupId = clients.id;
    }
    this.registerOutputs({
      workerSecurityGroupId: this.workerSecurityGroupId,
      workloadClientsSecurityGroupId: this.workloadClientsSecurityGroupId,
    });
  }
}

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type NameContext, nameTag } from "../core/naming";
import { toJson } from "../core/policy-document";
import { serviceRole } from "../core/service-role";
import { lambdaVpcAccessPolicy, type WorkloadResources, workerFunctionPolicy } from "./workload-policies";

export interface PaymentsWorkerArgs {
  readonly naming: NameContext;
  readonly functionName: string;
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  /** `<repository>:<tag>` in the management account's ECR. */
  readonly imageUri: string;
  readonly architecture: "arm64" | "x86_64";
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly reservedConcurrency: number;
  readonly batchSize: number;
  readonly maximumBatchingWindowSeconds: number;
  readonly subnetIds: pulumi.Input<string>[];
  readonly securityGroupId: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
  /** The exact resources the worker may use (its role's policy names nothing else). */
  readonly resources: pulumi.Input<WorkloadResources>;
  /** Runtime settings handed to the function as environment variables. */
  readonly environment: Record<string, pulumi.Input<string>>;
}

/**
 * The payments worker: a Lambda function from a container image, in the private subnets,
 * consuming the payments queue with partial batch failure reporting (a failed message is
 * retried on its own, the rest of the batch is deleted), with a least-privilege role.
 */
export class PaymentsWorker extends pulumi.ComponentResource {
  readonly functionArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: PaymentsWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:data:PaymentsWorker", name, {}, opts);
    const { naming } = args;
    const parent = { parent: this };

    const logGroup = new aws.cloudwatch.LogGroup(
      "worker-logs",
      {
        name: args.logGroupName,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.keyArn,
        tags: nameTag(naming, "payments-worker"),
      },
      parent,
    );
    const role = serviceRole(
      "worker-role",
      { naming, roleName: "payments-worker-lambda", service: "lambda.amazonaws.com" },
      parent,
    );
    const dataAccess = new aws.iam.RolePolicy(
      "worker-data-access",
      {
        role: role.id,
        policy: pulumi
          .all([pulumi.output(args.resources), logGroup.arn])
          .apply(([r, logArn]) => toJson(workerFunctionPolicy(r as WorkloadResources, logArn))),
      },
      parent,
    );
    const vpcAccess = new aws.iam.RolePolicy(
      "worker-vpc-access",
      { role: role.id, policy: toJson(lambdaVpcAccessPolicy()) },
      parent,
    );

    const fn = new aws.lambda.Function(
      "worker",
      {
        name: args.functionName,
        description:
          "Payments worker: completes payments, records them in RDS and indexes them in OpenSearch",
        packageType: "Image",
        imageUri: args.imageUri,
        architectures: [args.architecture],
        role: role.arn,
        timeout: args.timeoutSeconds,
        memorySize: args.memoryMb,
        reservedConcurrentExecutions: args.reservedConcurrency,
        kmsKeyArn: args.keyArn,
        vpcConfig: { subnetIds: args.subnetIds, securityGroupIds: [args.securityGroupId] },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        environment: { variables: args.environment },
        tags: nameTag(naming, "payments-worker"),
      },
      { parent: this, dependsOn: [dataAccess, vpcAccess] },
    );

    new aws.lambda.EventSourceMapping(
      "worker-queue",
      {
        eventSourceArn: pulumi.output(args.resources).apply((r) => r.queueArn),
        functionName: fn.arn,
        batchSize: args.batchSize,
        maximumBatchingWindowInSeconds: args.maximumBatchingWindowSeconds,
        functionResponseTypes: ["ReportBatchItemFailures"],
        enabled: true,
        tags: nameTag(naming, "payments-worker-queue"),
      },
      parent,
    );

    this.functionArn = fn.arn;
    this.roleArn = role.arn;
    this.registerOutputs({ functionArn: this.functionArn, roleArn: this.roleArn });
  }
}

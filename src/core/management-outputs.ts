import * as pulumi from "@pulumi/pulumi";

/**
 * The management stack's outputs, read by the environment stacks through a StackReference:
 * cross-stack values are never copied into config. In the offline plan the reference is
 * served the outputs of the management stack evaluated under the same mocks.
 */
export function managementReference(project: string): pulumi.StackReference {
  return new pulumi.StackReference("management", {
    name: `${pulumi.getOrganization()}/${project}/management`,
  });
}

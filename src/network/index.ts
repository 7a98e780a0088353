/** The stack's VPC: subnets per AZ, NAT gateways, endpoints, flow logs. */
export { DATA_TIER_PORTS, dataAclRules } from "./data-acl";
export { flowLogKeyPolicy } from "./flow-log-policies";
export { Network } from "./network";
export { NETWORK_RULES, type NetworkConfig, networkShape } from "./network-config";
export { stackNetwork } from "./network-stack";
export { privateSubnetRange, subnetsOf } from "./subnet-plan";

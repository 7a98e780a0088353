/**
 * How changes reach the accounts: the tailnet CI and staff use to reach the private networks, and
 * the GitHub repository's rules, environments and code owners (management stack).
 */
export { DELIVERY_RULES, deliveryShape } from "./delivery-config";
export { repositoryStack, tailnetStack } from "./delivery-stack";

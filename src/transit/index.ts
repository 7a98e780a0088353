/** The Transit Gateway hub (management), the spokes (environments) and the VPN subnet routers. */
export { TRANSIT_RULES, type TransitConfig, transitShape, type VpnConfig } from "./transit-config";
export { transitHubStack, transitSpokeStack } from "./transit-stack";

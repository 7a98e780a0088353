/** The Transit Gateway hub (management), the spokes (environments) and the VPN subnet routers. */
export { TRANSIT_RULES, type TransitConfig, transitShape, type VpnConfig } from "./transit-config";
export { transitHubStack, transitSpokeStack, vpnRoutes } from "./transit-stack";
export { ROUTER_TAG } from "./vpn-router";

/** CloudFront, WAF and certificates at the edge of each environment. */
export { EDGE_RULES, edgeShape } from "./edge-config";
export { edgeStack } from "./edge-stack";

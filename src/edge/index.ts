/** CloudFront, WAF and certificates at the edge of each environment. */

export { albLogBucketName } from "./alb-access-logs";
export { ORIGIN_VERIFY_HEADER } from "./distribution";
export { EDGE_RULES, edgeShape } from "./edge-config";
export { albAccessLogsStack, CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST, edgeStack } from "./edge-stack";

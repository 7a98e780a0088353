/** The environment's data services and the payments pipeline. */
export { DATA_RULES, dataShape } from "./data-config";
export { auditedPaymentStores, dataNames } from "./data-names";
export { type DataForEdge, dataServices } from "./data-stack";
export { assetsBucketPolicy } from "./pipeline-policies";

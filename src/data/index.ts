/** The environment's data services and the payments pipeline. */
export { DATA_RULES, dataShape, type PaymentsConfig } from "./data-config";
export { auditedPaymentStores, CHART_WORKLOADS, dataNames, PROVIDER_API_KEY_SECRET } from "./data-names";
export { type DataForEdge, dataServices } from "./data-stack";
export { PaymentSecrets } from "./payment-secrets";
export { PaymentsQueue } from "./payments-queue";
export { assetsBucketPolicy, PAYMENT_ID_ATTRIBUTE } from "./pipeline-policies";
export { paymentsData } from "./workload-policies";

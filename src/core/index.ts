/**
 * Shared plumbing every area uses: config loading and errors, the list of environments, naming
 * and tags, pinned versions, the stack's providers, policy-document helpers, the private bucket
 * and the service role.
 */
export * from "./base-environment-outputs";
export * from "./cidr";
export * from "./config-loader";
export * from "./config-primitives";
export * from "./config-rules";
export * from "./config-schema";
export * from "./environments";
export * from "./management-outputs";
export * from "./naming";
export * from "./pod-security";
export * from "./policy-document";
export * from "./pr-names";
export * from "./private-bucket";
export * from "./provider";
export * from "./service-role";
export * from "./state-backend";
export * from "./versions";

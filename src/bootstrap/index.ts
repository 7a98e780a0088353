/**
 * What exists before the first `pulumi up`: the state backend (bucket, its key, access logs, the
 * CI roles' grants) in the management account. The program is `src/bootstrap-program.ts`.
 */
export { StateBackend } from "./state-backend";
export { logBucketPolicy, stateBucketPolicy, stateKeyPolicy } from "./state-policies";

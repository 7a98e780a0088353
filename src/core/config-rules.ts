import type { StackInfo, StackName } from "./environments";

/**
 * Rules: config checks that need more than one key, or the stack's identity, or the other stack
 * files. Each area keeps its rules beside its config section; `src/stack-config.ts` runs them all.
 */

/** A config problem found by a rule: the full key (`platform:…`) and what was expected. */
export interface RuleIssue {
  readonly key: string;
  readonly message: string;
}

/** What the repository's other stack files say about their stacks (absent keys: undefined). */
export interface PeerStack {
  readonly stack: StackName;
  readonly accountId: string | undefined;
  readonly region: string | undefined;
  readonly vpcCidr: string | undefined;
  /**
   * The management stack's `platform:registries`: image repositories it shares with the member
   * accounts, and those whose repository policy also admits the Lambda service (empty elsewhere).
   */
  readonly imageRepositories?: { readonly all: readonly string[]; readonly lambda: readonly string[] };
}

/** What a rule knows besides the schema-valid settings. */
export interface RuleContext {
  readonly stack: StackName;
  readonly info: StackInfo;
  readonly region: string | undefined;
  /** The other stacks' files as parsed from the repository (undefined when absent). */
  readonly peers: Readonly<Record<StackName, PeerStack | undefined>>;
  /** The version in charts/payments/Chart.yaml: the newest chart a stack can run (unknown: undefined). */
  readonly latestChartVersion?: string | undefined;
}

/** A rule over the settings `S` it needs (a structural slice of the stack's validated settings). */
export type Rule<S extends object = object> = (settings: S, ctx: RuleContext) => RuleIssue[];

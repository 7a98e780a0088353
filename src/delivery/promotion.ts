import {
  type Application,
  type ApplicationTree,
  type ArgoCdClient,
  ArgoCdError,
  type ResourceNode,
  type SyncInfo,
} from "./argocd-api";

/**
 * A promotion: set the chart version an environment's Application runs, sync it through ArgoCD's
 * API, and wait until ArgoCD reports it Synced at that version and Healthy, which for the payments
 * chart includes every Argo Rollouts canary having finished (ArgoCD's health of a Rollout stays
 * Progressing, or Suspended at a pause, until the canary reaches full weight). It fails on a failed
 * sync, degraded health, a canary its analysis aborted, or a timeout, each with its own exit status.
 */

/** The ArgoCD Application of an environment (the ApplicationSet names them `payments-<env>`). */
export function applicationName(environment: string): string {
  return `payments-${environment}`;
}

/** "90s", "15m", "1h", "500ms" → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a duration (90s, 15m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
  return Number(m[1]) * unit;
}

/** Exit statuses of `npm run promote`. */
export const EXIT = {
  /** Synced and Healthy at the version. */
  promoted: 0,
  /** The sync failed, the Application is degraded, or ArgoCD refused a call. */
  failed: 1,
  /** Bad arguments or environment. */
  usage: 2,
  /** A canary was aborted by its analysis: Argo Rollouts moved the traffic back to the stable version. */
  rolledBack: 3,
  /** Not Synced and Healthy within the timeout. */
  timedOut: 4,
} as const;

export type Assessment =
  | { readonly state: "waiting"; readonly summary: string }
  | { readonly state: "healthy"; readonly summary: string }
  | { readonly state: "sync-failed"; readonly message: string }
  | { readonly state: "degraded"; readonly message: string }
  | { readonly state: "aborted"; readonly message: string };

const ROLLOUT = { group: "argoproj.io", kind: "Rollout" };
const isRollout = (n: ResourceNode) => n.kind === ROLLOUT.kind && (n.group ?? "") === ROLLOUT.group;
const describeNode = (n: ResourceNode) =>
  `${n.kind} ${n.name}: ${n.health?.status ?? "Unknown"}${n.health?.message ? ` (${n.health.message})` : ""}`;

/** An aborted canary: Argo Rollouts reports the Rollout Degraded with a `RolloutAborted` message. */
export function isAbortedRollout(n: ResourceNode): boolean {
  return isRollout(n) && n.health?.status === "Degraded" && /abort/i.test(n.health.message ?? "");
}

/**
 * Where the Application stands against the promotion to `revision`, started at `since` (operations
 * that started earlier belong to someone else and are ignored).
 */
export function assess(app: Application, tree: ApplicationTree, revision: string, since: Date): Assessment {
  const status = app.status ?? {};
  const op = status.operationState;
  const opStarted = op?.startedAt ? Date.parse(op.startedAt) : Number.NaN;
  // ArgoCD's timestamps have second precision.
  const ours = op !== undefined && opStarted >= Math.floor(since.getTime() / 1000) * 1000 - 1000;
  const opRevision = op?.syncResult?.revision ?? op?.operation?.sync?.revision;
  const rollouts = (tree.nodes ?? []).filter(isRollout);
  const syncStatus = status.sync?.status ?? "Unknown";
  const syncRevision = status.sync?.revision ?? "";
  const health = status.health?.status ?? "Unknown";

  if (ours && (op.phase === "Failed" || op.phase === "Error") && (opRevision ?? revision) === revision) {
    const failed = (op.syncResult?.resources ?? [])
      .filter((r) => r.status === "SyncFailed" || r.hookPhase === "Failed" || r.hookPhase === "Error")
      .map((r) => `${r.kind} ${r.name}: ${r.message ?? r.status ?? r.hookPhase}`);
    return {
      state: "sync-failed",
      message: [`sync ${op.phase.toLowerCase()}: ${op.message ?? "no message"}`, ...failed].join("\n  "),
    };
  }

  const synced = syncStatus === "Synced" && syncRevision === revision;
  const applied = ours && op.phase === "Succeeded" && opRevision === revision;
  const aborted = rollouts.filter(isAbortedRollout);
  if (applied && aborted.length > 0) {
    return { state: "aborted", message: aborted.map(describeNode).join("\n  ") };
  }
  if (applied && synced && health === "Degraded") {
    const degraded = (tree.nodes ?? []).filter((n) => n.health?.status === "Degraded").map(describeNode);
    const why = status.health?.message ? [status.health.message] : [];
    return { state: "degraded", message: [...why, ...degraded].join("\n  ") || "no resource reported why" };
  }

  const summary = [
    `sync ${syncStatus}${syncRevision ? ` at ${syncRevision}` : ""}`,
    `operation ${ours ? op.phase : "not started"}`,
    `health ${health}`,
    ...rollouts.map(describeNode),
  ].join(" · ");
  const rolloutsDone = rollouts.every((r) => r.health?.status === "Healthy");
  if (applied && synced && health === "Healthy" && rolloutsDone) return { state: "healthy", summary };
  return { state: "waiting", summary };
}

/**
 * The version to roll back to: the newest one in the Application's sync history that is not the
 * version it is set to now.
 */
export function previousVersion(app: Application): string | undefined {
  const current = app.spec.source?.targetRevision;
  const history = [...(app.status?.history ?? [])].sort((a, b) => b.id - a.id);
  return history.find((h) => h.revision && h.revision !== current)?.revision;
}

export interface PromoteOptions {
  readonly client: ArgoCdClient;
  /** The Application (`payments-<env>`). */
  readonly application: string;
  /** The chart version to run; absent with `rollback`. */
  readonly version?: string;
  /** Go back to the previous version in the Application's history. */
  readonly rollback?: boolean;
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** Kept with the sync operation in ArgoCD's history (who promoted, who approved, the run). */
  readonly infos?: readonly SyncInfo[];
  readonly log: (line: string) => void;
}

export interface PromoteResult {
  readonly exitCode: number;
  /** The version the Application was set to before. */
  readonly previous?: string;
  /** The version it was set to. */
  readonly version?: string;
  readonly message: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alreadyRunning = (e: unknown) =>
  e instanceof ArgoCdError && /another operation is already in progress/i.test(e.apiMessage);

/** Sets, syncs and waits; never throws for what ArgoCD reports (the result carries it). */
export async function promote(o: PromoteOptions): Promise<PromoteResult> {
  const started = Date.now();
  const elapsed = () => {
    const s = Math.round((Date.now() - started) / 1000);
    return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  };
  const log = (line: string) => o.log(`[${elapsed()}] ${line}`);
  try {
    const app = await o.client.getApplication(o.application);
    const previous = app.spec.source?.targetRevision;
    const version = o.rollback ? previousVersion(app) : o.version;
    if (!version) {
      return {
        exitCode: EXIT.failed,
        ...(previous ? { previous } : {}),
        message: `${o.application} has no earlier version in its history to roll back to (it runs ${previous ?? "nothing"})`,
      };
    }
    log(`${o.application}: ${previous ?? "(none)"} → ${version}${o.rollback ? " (rollback)" : ""}`);
    const since = new Date();
    if (previous !== version) {
      await o.client.setTargetRevision(o.application, version);
      log(`set spec.source.targetRevision to ${version}`);
    }
    try {
      await o.client.sync(o.application, version, o.infos ?? []);
      log("sync requested");
    } catch (err) {
      if (!alreadyRunning(err)) throw err;
      log("a sync is already running (automated sync): waiting for it");
    }

    let last = "";
    for (;;) {
      const [current, tree] = await Promise.all([
        o.client.getApplication(o.application),
        o.client.resourceTree(o.application),
      ]);
      const a = assess(current, tree, version, since);
      const base = { ...(previous ? { previous } : {}), version };
      switch (a.state) {
        case "healthy":
          log(a.summary);
          return {
            ...base,
            exitCode: EXIT.promoted,
            message: `${o.application} runs ${version}: Synced and Healthy`,
          };
        case "sync-failed":
          return {
            ...base,
            exitCode: EXIT.failed,
            message: `${o.application}: the sync to ${version} failed: ${a.message}`,
          };
        case "degraded":
          return {
            ...base,
            exitCode: EXIT.failed,
            message: `${o.application} is Degraded at ${version}: ${a.message}`,
          };
        case "aborted":
          return {
            ...base,
            exitCode: EXIT.rolledBack,
            message: `${o.application}: the canary of ${version} was aborted by its analysis and Argo Rollouts moved the traffic back to the stable version:\n  ${a.message}`,
          };
        case "waiting":
          if (a.summary !== last) log(a.summary);
          last = a.summary;
      }
      if (Date.now() - started >= o.timeoutMs) {
        return {
          ...base,
          exitCode: EXIT.timedOut,
          message: `${o.application} was not Synced and Healthy at ${version} within ${Math.round(o.timeoutMs / 1000)}s; last seen: ${last}`,
        };
      }
      await sleep(o.pollMs);
    }
  } catch (err) {
    return { exitCode: EXIT.failed, message: (err as Error).message };
  }
}

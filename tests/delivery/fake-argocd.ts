import * as http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local HTTP server that answers like ArgoCD's API server for one Application, with the request
 * and response shapes of ArgoCD's API reference (grpc-gateway JSON: `v1alpha1Application`,
 * `v1alpha1ApplicationTree`, errors as `{error, code, message}`), walking through a scenario as the
 * client polls: a successful canary, a failed sync, degraded health, an aborted canary, or one that
 * never finishes. It records every request so tests can check what the client sent.
 */

export type Scenario = "success" | "sync-failed" | "degraded" | "aborted" | "never-healthy";

export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface FakeArgoCd {
  readonly url: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

interface State {
  targetRevision: string;
  syncedRevision: string;
  syncRequestedAt?: Date;
  polls: number;
  history: { id: number; revision: string; deployedAt: string }[];
}

const grpcError = (res: http.ServerResponse, status: number, code: number, message: string) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ error: message, code, message, details: [] }));
};

export async function startFakeArgoCd(a: {
  readonly scenario: Scenario;
  readonly app?: string;
  readonly token?: string;
  /** The version the Application runs before the promotion. */
  readonly running?: string;
  /** Earlier versions in its sync history, oldest first. */
  readonly history?: readonly string[];
  /** Answer the sync request with "another operation is already in progress" (automated sync). */
  readonly autoSyncRace?: boolean;
}): Promise<FakeArgoCd> {
  const app = a.app ?? "payments-dev";
  const token = a.token ?? "test-token";
  const running = a.running ?? "1.4.1";
  const requests: Recorded[] = [];
  const versions = [...(a.history ?? []), running];
  const state: State = {
    targetRevision: running,
    syncedRevision: running,
    polls: 0,
    history: versions.map((revision, i) => ({ id: i + 1, revision, deployedAt: "2026-01-01T00:00:00Z" })),
  };

  const rollout = (health: string, message?: string) => ({
    group: "argoproj.io",
    version: "v1alpha1",
    kind: "Rollout",
    namespace: "payments",
    name: "payments-api",
    uid: "2b8f0c6e-5f0a-4b7a-9d1e-000000000001",
    health: { status: health, ...(message ? { message } : {}) },
  });

  /** The Application and tree at the current poll of the scenario. */
  function snapshot() {
    const t = state.syncRequestedAt?.toISOString().replace(/\.\d+Z$/, "Z");
    const started = state.syncRequestedAt !== undefined;
    const step = started ? state.polls : -1;
    const target = state.targetRevision;
    let phase: string | undefined;
    let sync = { status: "Synced", revision: state.syncedRevision };
    let health = { status: "Healthy" } as { status: string; message?: string };
    let nodes = [rollout("Healthy")];
    let opMessage = "successfully synced (all tasks run)";
    let resources: object[] = [];
    if (started) {
      if (step <= 1) {
        phase = "Running";
        sync = { status: "OutOfSync", revision: target };
        health = { status: "Healthy" };
        opMessage = "waiting for completion of hook and 1 more resources";
      } else {
        phase = "Succeeded";
        sync = { status: "Synced", revision: target };
        switch (a.scenario) {
          case "success":
            if (step === 2) {
              health = { status: "Progressing" };
              nodes = [rollout("Progressing", "more replicas need to be updated")];
            } else if (step === 3) {
              health = { status: "Suspended" };
              nodes = [rollout("Suspended", "CanaryPauseStep")];
            } else {
              state.syncedRevision = target;
            }
            break;
          case "sync-failed":
            phase = "Failed";
            sync = { status: "OutOfSync", revision: target };
            opMessage = "one or more objects failed to apply, reason: admission webhook denied the request";
            resources = [
              {
                group: "argoproj.io",
                version: "v1alpha1",
                kind: "Rollout",
                namespace: "payments",
                name: "payments-api",
                status: "SyncFailed",
                message: 'admission webhook "validate.rollouts" denied the request: spec.strategy is invalid',
                syncPhase: "Sync",
              },
            ];
            break;
          case "degraded":
            health = { status: "Degraded" };
            nodes = [
              rollout(
                "Degraded",
                'ProgressDeadlineExceeded: ReplicaSet "payments-api-7c9d" has timed out progressing.',
              ),
            ];
            break;
          case "aborted":
            health = { status: "Degraded" };
            nodes = [
              rollout(
                "Degraded",
                'RolloutAborted: Rollout aborted update to revision 3: Metric "p95-latency" assessed Failed due to failed (2) > failureLimit (1)',
              ),
            ];
            break;
          case "never-healthy":
            health = { status: "Progressing" };
            nodes = [rollout("Progressing", "more replicas need to be updated")];
            break;
        }
      }
    }
    const application = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: app, namespace: "argocd", resourceVersion: String(100 + state.polls) },
      spec: {
        project: "payments",
        source: {
          repoURL: "318274619203.dkr.ecr.eu-west-2.amazonaws.com/charts",
          chart: "payments",
          targetRevision: target,
        },
        destination: { name: "platform-dev-eks", namespace: "payments" },
      },
      status: {
        sync: {
          status: sync.status,
          revision: sync.revision,
          comparedTo: { source: { targetRevision: target } },
        },
        health,
        history: state.history,
        ...(phase
          ? {
              operationState: {
                operation: { sync: { revision: target }, initiatedBy: { username: "promoter" } },
                phase,
                message: opMessage,
                startedAt: t,
                ...(phase === "Running" ? {} : { finishedAt: t }),
                syncResult: { revision: target, resources },
              },
            }
          : {}),
      },
    };
    return { application, tree: { nodes, hosts: [] } };
  }

  const server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => {
      raw += c;
    });
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const body = raw ? (JSON.parse(raw) as unknown) : undefined;
      requests.push({
        method: req.method ?? "",
        path: url.pathname,
        authorization: req.headers.authorization,
        body,
      });
      if (req.headers.authorization !== `Bearer ${token}`) {
        grpcError(res, 401, 16, "invalid session: token is malformed");
        return;
      }
      const base = `/api/v1/applications/${app}`;
      if (req.method === "POST" && url.pathname === "/api/v1/applications") {
        const spec = (body as { spec: { source: { targetRevision: string } } }).spec;
        state.targetRevision = spec.source.targetRevision;
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(snapshot().application));
        return;
      }
      if (req.method === "DELETE" && url.pathname === base) {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end("{}");
        return;
      }
      if (!url.pathname.startsWith(`/api/v1/applications/`) || !url.pathname.startsWith(base)) {
        grpcError(res, 404, 5, `applications.argoproj.io "${url.pathname.split("/")[4]}" not found`);
        return;
      }
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(value));
      };
      if (req.method === "GET" && url.pathname === base) {
        if (state.syncRequestedAt) state.polls += 1;
        json(200, snapshot().application);
      } else if (req.method === "GET" && url.pathname === `${base}/resource-tree`) {
        json(200, snapshot().tree);
      } else if (req.method === "PATCH" && url.pathname === base) {
        const patch = JSON.parse(String((body as { patch: string }).patch)) as {
          path: string;
          value: string;
        }[];
        const op = patch.find((p) => p.path === "/spec/source/targetRevision");
        if (op) state.targetRevision = op.value;
        json(200, snapshot().application);
      } else if (req.method === "POST" && url.pathname === `${base}/sync`) {
        state.syncRequestedAt = new Date();
        state.polls = 0;
        if (a.autoSyncRace) {
          grpcError(res, 400, 9, "another operation is already in progress");
          return;
        }
        json(200, snapshot().application);
      } else {
        grpcError(res, 404, 5, "Not Found");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * A small client of ArgoCD's REST API (the API server's grpc-gateway, `/api/v1/...`), for the
 * calls a promotion makes, with the request and response shapes of ArgoCD's API reference
 * (swagger `v1alpha1Application`, `applicationApplicationPatchRequest`,
 * `applicationApplicationSyncRequest`, `v1alpha1ApplicationTree`). Authenticated with an ArgoCD
 * account's API token (`Authorization: Bearer`); errors carry ArgoCD's own message.
 */

export interface HealthStatus {
  readonly status?: string;
  readonly message?: string;
}

export interface ResourceResult {
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status?: string;
  readonly message?: string;
  readonly hookPhase?: string;
}

export interface OperationState {
  readonly phase: "Running" | "Succeeded" | "Failed" | "Error" | "Terminating" | string;
  readonly message?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly operation?: { readonly sync?: { readonly revision?: string } };
  readonly syncResult?: { readonly revision: string; readonly resources?: readonly ResourceResult[] };
}

export interface RevisionHistory {
  readonly id: number;
  readonly revision?: string;
  readonly deployedAt: string;
  readonly initiatedBy?: { readonly username?: string; readonly automated?: boolean };
}

/** The parts of a `v1alpha1Application` a promotion reads. */
export interface Application {
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: {
    readonly project: string;
    readonly source?: { readonly repoURL: string; readonly chart?: string; readonly targetRevision?: string };
    readonly syncPolicy?: { readonly automated?: object | null };
  };
  readonly status?: {
    readonly sync?: {
      readonly status?: "Synced" | "OutOfSync" | "Unknown" | string;
      readonly revision?: string;
    };
    readonly health?: HealthStatus;
    readonly operationState?: OperationState;
    readonly history?: readonly RevisionHistory[];
  };
}

/** A node of `v1alpha1ApplicationTree`: a live resource and its health. */
export interface ResourceNode {
  readonly group?: string;
  readonly version?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly health?: HealthStatus;
}

export interface ApplicationTree {
  readonly nodes?: readonly ResourceNode[];
}

/** `{name, value}` pairs ArgoCD keeps with a sync operation and shows in the Application's history. */
export interface SyncInfo {
  readonly name: string;
  readonly value: string;
}

/** An error answered by ArgoCD: the HTTP status and ArgoCD's message. */
export class ArgoCdError extends Error {
  constructor(
    readonly status: number,
    readonly apiMessage: string,
    readonly request: string,
  ) {
    super(
      status === 0 ? `${request}: ${apiMessage}` : `ArgoCD answered ${status} to ${request}: ${apiMessage}`,
    );
    this.name = "ArgoCdError";
  }
}

export interface ArgoCdClientOptions {
  /** `https://argocd.example.com` (no path). */
  readonly server: string;
  /** An ArgoCD account's API token. */
  readonly token: string;
  /** Per-request timeout, in milliseconds. */
  readonly requestTimeoutMs?: number;
}

export class ArgoCdClient {
  private readonly base: string;

  constructor(private readonly options: ArgoCdClientOptions) {
    const url = new URL(options.server);
    if (url.protocol !== "https:" && url.hostname !== "127.0.0.1" && url.hostname !== "localhost") {
      throw new Error(`the ArgoCD server must be an https:// URL; got ${options.server}`);
    }
    this.base = url.origin;
  }

  getApplication(name: string): Promise<Application> {
    return this.call("GET", `/api/v1/applications/${encodeURIComponent(name)}`);
  }

  resourceTree(name: string): Promise<ApplicationTree> {
    return this.call("GET", `/api/v1/applications/${encodeURIComponent(name)}/resource-tree`);
  }

  /** Sets the chart version (`spec.source.targetRevision`) with a JSON patch. */
  setTargetRevision(name: string, revision: string): Promise<Application> {
    const patch = [{ op: "replace", path: "/spec/source/targetRevision", value: revision }];
    return this.call("PATCH", `/api/v1/applications/${encodeURIComponent(name)}`, {
      name,
      patch: JSON.stringify(patch),
      patchType: "json",
    });
  }

  sync(name: string, revision: string, infos: readonly SyncInfo[] = []): Promise<Application> {
    return this.call("POST", `/api/v1/applications/${encodeURIComponent(name)}/sync`, {
      name,
      revision,
      prune: true,
      strategy: { hook: {} },
      infos,
    });
  }

  /** Creates the Application, or updates it when it exists (`upsert`). */
  upsertApplication(app: object): Promise<Application> {
    return this.call("POST", "/api/v1/applications?upsert=true&validate=true", app);
  }

  /** Deletes the Application and, with its finalizer, everything it deployed. */
  deleteApplication(name: string): Promise<object> {
    return this.call("DELETE", `/api/v1/applications/${encodeURIComponent(name)}?cascade=true`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const request = `${method} ${path.split("?")[0]}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000),
      });
    } catch (err) {
      type Cause = { code?: string; message?: string; errors?: { code?: string }[] };
      const c = (err as { cause?: Cause }).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (err as Error).message;
      throw new ArgoCdError(
        0,
        `could not reach ${this.base} (${cause}); is this runner on the tailnet?`,
        request,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text.trim() || res.statusText;
      try {
        const parsed = JSON.parse(text) as { message?: string; error?: string };
        message = parsed.message ?? parsed.error ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new ArgoCdError(res.status, message, request);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}

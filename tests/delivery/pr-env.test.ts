import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PR_PROJECT, prApplicationManifest, prHelmValues } from "../../src/delivery/pr-application";
import { PR_SECRET_STORE_NAME, run } from "../../src/delivery/pr-env-cli";
import { admit, staleEnvironments } from "../../src/delivery/pr-lifecycle";
import { EXIT } from "../../src/delivery/promotion";
import { PR_SECRET_STORE } from "../../src/pr/pr-manifests";
import { renderChart } from "../chart/helm";
import { PR_STACK } from "../support/evaluations";
import { planStack } from "../support/harness";
import { validateObject } from "../support/k8s-schema";
import { type FakeArgoCd, startFakeArgoCd } from "./fake-argocd";

/** PR environments: the admission limit, the reaper's rule, and their Applications in ArgoCD. */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pr-env-"));
const file = (name: string, value: unknown) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, JSON.stringify(value));
  return p;
};
const servers: FakeArgoCd[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function prEnv(argv: string[], env: Record<string, string> = {}, now?: Date) {
  let stdout = "";
  let stderr = "";
  const code = await run(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { ARGOCD_AUTH_TOKEN: "test-token", ...env },
    ...(now ? { now: () => now } : {}),
  });
  return { code, stdout, stderr };
}

const NOW = new Date("2026-03-10T12:00:00Z");
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();
const STACKS = [
  { name: "dev", lastUpdate: hoursAgo(1) },
  { name: "organization/platform/pr-11", lastUpdate: hoursAgo(2) },
  { name: "pr-12", lastUpdate: hoursAgo(80) },
  { name: "pr-13", lastUpdate: hoursAgo(1) },
  { name: "pr-14", lastUpdate: hoursAgo(200), updateInProgress: true },
];

describe("the limit on PR environments running at once", () => {
  it("admits a new one below the limit and refuses it at the limit, naming those running", async () => {
    expect(admit(STACKS, 20, 5)).toEqual({ admitted: true, reason: "4 of 5 PR environments running" });
    const refused = await prEnv([
      "admit",
      "--pr",
      "20",
      "--limit",
      "4",
      "--stacks",
      file("stacks.json", STACKS),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "pr-env: REFUSED: 4 PR environments are running (pr-11, pr-12, pr-13, pr-14), the limit is 4: close a pull request, or wait for the reaper",
    );
  });

  it("always lets a pull request keep the environment it has", async () => {
    const kept = await prEnv([
      "admit",
      "--pr",
      "12",
      "--limit",
      "1",
      "--stacks",
      file("stacks.json", STACKS),
    ]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toBe("pr-env: admitted: pr-12 already has an environment\n");
  });
});

describe("the reaper's rule", () => {
  it("removes closed pull requests' environments and those older than the maximum age, never one being updated", async () => {
    expect(staleEnvironments(STACKS, [11, 12, 14], 72, NOW)).toEqual([
      { name: "pr-12", reason: "last updated 80 h ago, older than 72 h" },
      { name: "pr-13", reason: "pull request #13 is closed" },
    ]);
    const r = await prEnv(
      [
        "stale",
        "--max-age-hours",
        "72",
        "--stacks",
        file("stacks.json", STACKS),
        "--open",
        file("open.json", [{ number: 11 }, { number: 12 }, { number: 14 }]),
      ],
      {},
      NOW,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("pr-12\npr-13\n");
    expect(r.stderr).toContain("pr-env: pr-13: pull request #13 is closed");
  });

  it("refuses a non-positive age", async () => {
    const r = await prEnv([
      "stale",
      "--max-age-hours",
      "0",
      "--stacks",
      file("s.json", []),
      "--open",
      file("o.json", []),
    ]);
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--max-age-hours 0: expected a positive number");
  });
});

describe("a PR environment's Application", () => {
  const SHA = "0123456789abcdef0123456789abcdef01234567";

  async function outputs() {
    return (await planStack(PR_STACK)).outputs;
  }

  it("deploys the pull request's commit of the chart into its namespace on dev's cluster, in the previews project", async () => {
    const o = await outputs();
    const app = prApplicationManifest({
      outputs: o as never,
      revision: SHA,
      repository: "payments-co/platform",
      secretStore: PR_SECRET_STORE_NAME,
    });
    expect(app.spec.project).toBe(PR_PROJECT);
    expect(app.spec.source).toMatchObject({
      repoURL: "git@github.com:payments-co/platform.git",
      path: "charts/payments",
      targetRevision: SHA,
    });
    expect(app.spec.destination).toEqual({ name: o.clusterName, namespace: "payments-pr-123" });
    expect(app.metadata.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io"]);
    expect(validateObject(app)).toEqual([]);
    expect(PR_SECRET_STORE_NAME).toBe(PR_SECRET_STORE);
    expect(() =>
      prApplicationManifest({ outputs: o as never, revision: "main", repository: "a/b", secretStore: "s" }),
    ).toThrow(/not a commit \(40 hex digits\)/);
  });

  it("renders the chart with dev's values as its own: no Ingress, its secrets through its SecretStore, its roles", async () => {
    const o = (await outputs()) as { workloadRoleArns: Record<string, string> };
    const values = prHelmValues(o as never, PR_SECRET_STORE_NAME);
    const objects = renderChart("dev", {
      setJson: Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v)}`),
    });
    for (const obj of objects) expect(validateObject(obj), `${obj.kind} ${obj.metadata.name}`).toEqual([]);
    expect(objects.filter((x) => x.kind === "Ingress")).toEqual([]);
    const secrets = objects.filter((x) => x.kind === "ExternalSecret") as unknown as {
      spec: { secretStoreRef: unknown; dataFrom: { extract: { key: string } }[] };
    }[];
    expect(secrets.length).toBeGreaterThan(0);
    for (const s of secrets) {
      expect(s.spec.secretStoreRef).toEqual({ kind: "SecretStore", name: PR_SECRET_STORE });
      expect(s.spec.dataFrom[0]!.extract.key).toMatch(/^pr-123\/payments\//);
    }
    const accounts = objects.filter((x) => x.kind === "ServiceAccount");
    const annotated = accounts.flatMap((a) => Object.values(a.metadata.annotations ?? {}));
    for (const arn of Object.values(o.workloadRoleArns)) expect(annotated).toContain(arn);
    expect(objects.some((x) => x.kind === "Rollout" && x.metadata.name.includes("payments-worker"))).toBe(
      true,
    );
  });

  it("is created, synced and waited for through ArgoCD's API, and deleted with what it deployed", async () => {
    const s = await startFakeArgoCd({ scenario: "success", app: "payments-pr-123", running: "f".repeat(40) });
    servers.push(s);
    const outputsFile = file("outputs.json", await outputs());
    const r = await prEnv(
      [
        "deploy",
        "--pr",
        "123",
        "--revision",
        SHA,
        "--outputs",
        outputsFile,
        "--poll-interval",
        "20ms",
        "--timeout",
        "10s",
      ],
      { ARGOCD_SERVER: s.url },
    );
    expect(r.code).toBe(EXIT.promoted);
    expect(r.stdout).toContain(`pr-env: deployed: payments-pr-123 runs ${SHA}: Synced and Healthy`);
    const create = s.requests.find((q) => q.method === "POST" && q.path === "/api/v1/applications")!;
    expect((create.body as { spec: { project: string } }).spec.project).toBe(PR_PROJECT);
    expect(s.requests.some((q) => q.path === "/api/v1/applications/payments-pr-123/sync")).toBe(true);

    const removed = await prEnv(["remove", "--pr", "123"], { ARGOCD_SERVER: s.url });
    expect(removed.code).toBe(0);
    expect(s.requests.at(-1)).toMatchObject({
      method: "DELETE",
      path: "/api/v1/applications/payments-pr-123",
    });
    const gone = await prEnv(["remove", "--pr", "9"], { ARGOCD_SERVER: s.url });
    expect(gone.stdout).toBe("pr-env: payments-pr-9 does not exist (already removed)\n");
  });

  it("refuses outputs of another pull request's stack", async () => {
    const r = await prEnv(
      ["deploy", "--pr", "124", "--revision", SHA, "--outputs", file("o.json", await outputs())],
      {
        ARGOCD_SERVER: "https://argocd.example.com",
      },
    );
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toContain("--outputs are pr-123's, not pr-124's");
  });
});

describe("the delivery commands", () => {
  it("never import one another: each runs its own main when bundled (a bundle's require.main is every module's)", () => {
    const dir = path.resolve(__dirname, "../../src/delivery");
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = fs.readFileSync(path.join(dir, file), "utf8");
      const imported = [...text.matchAll(/from "\.\/([\w-]+)"/g)].map((m) => m[1]!);
      expect(
        imported.filter((m) => m.endsWith("-cli")),
        file,
      ).toEqual([]);
    }
  });
});

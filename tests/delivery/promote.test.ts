import type { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ENVIRONMENT_STACKS, STACKS } from "../../src/core/environments";
import { applicationName, parseDuration, run } from "../../src/delivery/promote-cli";
import { assess, EXIT, previousVersion } from "../../src/delivery/promotion";
import { type FakeArgoCd, type Scenario, startFakeArgoCd } from "./fake-argocd";

/** `npm run promote` against a local server answering like ArgoCD's API. */

const servers: FakeArgoCd[] = [];
afterEach(async () => {
  while (servers.length > 0) await servers.pop()!.close();
});

async function fake(
  scenario: Scenario,
  extra: Parameters<typeof startFakeArgoCd>[0] extends infer A ? Partial<A> : never = {},
) {
  const s = await startFakeArgoCd({ scenario, ...extra });
  servers.push(s);
  return s;
}

async function promote(server: FakeArgoCd | undefined, argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const outputFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "promote-")), "output");
  const code = await run(
    [...argv, "--poll-interval", "20ms", ...(argv.includes("--timeout") ? [] : ["--timeout", "10s"])],
    {
      stdout: (t) => {
        stdout += t;
      },
      stderr: (t) => {
        stderr += t;
      },
      env: {
        ...(server ? { ARGOCD_SERVER: server.url } : {}),
        ARGOCD_AUTH_TOKEN: "test-token",
        GITHUB_OUTPUT: outputFile,
        GITHUB_ACTOR: "release-bot",
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_REPOSITORY: "payments-co/platform",
        GITHUB_RUN_ID: "42",
        ...env,
      },
    },
  );
  const outputs = Object.fromEntries(
    (fs.existsSync(outputFile) ? fs.readFileSync(outputFile, "utf8") : "")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split("=") as [string, string]),
  );
  return { code, stdout, stderr, outputs };
}

describe("npm run promote against ArgoCD's API", () => {
  it("sets the version, syncs and waits through the canary until Synced and Healthy", async () => {
    const s = await fake("success");
    const r = await promote(s, ["--env", "dev", "--version", "1.4.2"]);
    expect(r.code).toBe(EXIT.promoted);
    expect(r.stdout).toBe("promote: promoted: payments-dev runs 1.4.2: Synced and Healthy\n");
    // Progress as it happened: the canary's pause is reported, not mistaken for the end.
    expect(r.stderr).toContain("payments-dev: 1.4.1 → 1.4.2");
    expect(r.stderr).toMatch(/Rollout payments-api: Progressing/);
    expect(r.stderr).toMatch(/Rollout payments-api: Suspended \(CanaryPauseStep\)/);
    expect(r.outputs).toEqual({
      result: "promoted",
      "exit-code": "0",
      version: "1.4.2",
      "previous-version": "1.4.1",
    });

    // The requests, as ArgoCD's API reference shapes them.
    const patch = s.requests.find((q) => q.method === "PATCH")!;
    expect(patch.path).toBe("/api/v1/applications/payments-dev");
    expect(patch.body).toEqual({
      name: "payments-dev",
      patchType: "json",
      patch: JSON.stringify([{ op: "replace", path: "/spec/source/targetRevision", value: "1.4.2" }]),
    });
    const sync = s.requests.find((q) => q.method === "POST")!;
    expect(sync.path).toBe("/api/v1/applications/payments-dev/sync");
    expect(sync.body).toMatchObject({ name: "payments-dev", revision: "1.4.2", prune: true });
    expect((sync.body as { infos: unknown }).infos).toEqual([
      { name: "Promoted by", value: "release-bot" },
      { name: "Pipeline run", value: "https://github.com/payments-co/platform/actions/runs/42" },
    ]);
    expect(s.requests.every((q) => q.authorization === "Bearer test-token")).toBe(true);
    expect(s.requests.some((q) => q.path.endsWith("/resource-tree"))).toBe(true);
  });

  it("fails with the sync's error and the resources that failed to apply", async () => {
    const r = await promote(await fake("sync-failed"), ["--env", "dev", "--version", "1.4.2"]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toContain(
      "promote: FAILED: payments-dev: the sync to 1.4.2 failed: sync failed: one or more objects failed to apply, reason: admission webhook denied the request",
    );
    expect(r.stderr).toContain(
      'Rollout payments-api: admission webhook "validate.rollouts" denied the request',
    );
    expect(r.outputs.result).toBe("failed");
    expect(r.stdout).toBe("");
  });

  it("fails when the Application turns Degraded, naming what is degraded", async () => {
    const r = await promote(await fake("degraded", { app: "payments-preprod" }), [
      "--env",
      "preprod",
      "--version",
      "1.4.2",
    ]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toContain("promote: FAILED: payments-preprod is Degraded at 1.4.2:");
    expect(r.stderr).toContain("Rollout payments-api: Degraded (ProgressDeadlineExceeded");
  });

  it("reports a rollback when the canary's analysis aborts the Rollout", async () => {
    const r = await promote(await fake("aborted", { app: "payments-prod" }), [
      "--env",
      "prod",
      "--version",
      "1.4.2",
      "--approved-by",
      "alice",
    ]);
    expect(r.code).toBe(EXIT.rolledBack);
    expect(r.stderr).toContain(
      "promote: ROLLED BACK: payments-prod: the canary of 1.4.2 was aborted by its analysis and Argo Rollouts moved the traffic back to the stable version:",
    );
    expect(r.stderr).toContain('Metric "p95-latency" assessed Failed');
    expect(r.outputs).toMatchObject({ result: "rolled-back", "exit-code": "3", "previous-version": "1.4.1" });
  });

  it("gives up after the timeout with what it saw last", async () => {
    const r = await promote(await fake("never-healthy"), [
      "--env",
      "dev",
      "--version",
      "1.4.2",
      "--timeout",
      "300ms",
    ]);
    expect(r.code).toBe(EXIT.timedOut);
    expect(r.stderr).toMatch(
      /promote: FAILED: payments-dev was not Synced and Healthy at 1\.4\.2 within 0s; last seen: sync Synced at 1\.4\.2 · operation Succeeded · health Progressing · Rollout payments-api: Progressing/,
    );
  });

  it("waits for an automated sync that is already running instead of failing", async () => {
    const r = await promote(await fake("success", { autoSyncRace: true }), [
      "--env",
      "dev",
      "--version",
      "1.4.2",
    ]);
    expect(r.code).toBe(EXIT.promoted);
    expect(r.stderr).toContain("a sync is already running (automated sync): waiting for it");
  });

  it("rolls back to the previous version in the Application's history with one command", async () => {
    const s = await fake("success", { app: "payments-prod", running: "1.4.2", history: ["1.3.0", "1.4.1"] });
    const r = await promote(s, ["--env", "prod", "--rollback", "--approved-by", "alice"]);
    expect(r.code).toBe(EXIT.promoted);
    expect(r.stderr).toContain("payments-prod: 1.4.2 → 1.4.1 (rollback)");
    expect(r.outputs).toMatchObject({ version: "1.4.1", "previous-version": "1.4.2" });
    expect((s.requests.find((q) => q.method === "POST")!.body as { infos: unknown[] }).infos).toEqual(
      expect.arrayContaining([
        { name: "Approved by", value: "alice" },
        { name: "Rollback", value: "true" },
      ]),
    );
  });

  it("refuses a rollback when there is nothing to go back to", async () => {
    const r = await promote(await fake("success"), ["--env", "dev", "--rollback"]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toContain(
      "payments-dev has no earlier version in its history to roll back to (it runs 1.4.1)",
    );
  });

  it("reports ArgoCD's own message when it refuses the token or does not know the Application", async () => {
    const s = await fake("success", { token: "another" });
    const r = await promote(s, ["--env", "dev", "--version", "1.4.2"]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toContain(
      "promote: FAILED: ArgoCD answered 401 to GET /api/v1/applications/payments-dev: invalid session: token is malformed",
    );
    const missing = await promote(await fake("success", { app: "payments-dev" }), [
      "--env",
      "preprod",
      "--version",
      "1.4.2",
    ]);
    expect(missing.stderr).toContain(
      'ArgoCD answered 404 to GET /api/v1/applications/payments-preprod: applications.argoproj.io "payments-preprod" not found',
    );
  });

  it("reports an unreachable server as such", async () => {
    const closed = await startFakeArgoCd({ scenario: "success" });
    await closed.close();
    const r = await promote(undefined, ["--env", "dev", "--version", "1.4.2", "--server", closed.url]);
    expect(r.code).toBe(EXIT.failed);
    expect(r.stderr).toContain(
      `promote: FAILED: GET /api/v1/applications/payments-dev: could not reach ${closed.url} (ECONNREFUSED); is this runner on the tailnet?`,
    );
  });
});

describe("npm run promote: arguments", () => {
  const gated = ENVIRONMENT_STACKS.find((e) => STACKS[e].gated)!;
  it.each([
    [[], /--env is required/],
    [
      ["--env", "staging", "--version", "1.0.0"],
      /--env staging: not an environment; expected one of dev, preprod, prod/,
    ],
    [["--env", "dev"], /give either --version or --rollback/],
    [["--env", "dev", "--version", "1.0.0", "--rollback"], /give either --version or --rollback/],
    [["--env", "dev", "--version", "v1.0.0"], /--version v1.0.0: expected an exact chart version/],
    [["--env", "dev", "--version", "^1.0.0"], /expected an exact chart version/],
    [["--env", gated, "--version", "1.0.0"], new RegExp(`${gated} needs an approval: pass --approved-by`)],
    [["--env", "dev", "--version", "1.0.0", "--timeout", "soon"], /"soon" is not a duration/],
    [["--env", "dev", "--version", "1.0.0", "--colour"], /Unknown option '--colour'/],
  ] as [string[], RegExp][])("%j exits 2 with the usage", async (argv, message) => {
    const r = await promote(undefined, argv, { ARGOCD_SERVER: "https://argocd.example.com" });
    expect(r.code).toBe(EXIT.usage);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("usage: npm run promote --");
  });

  it("needs the token from the environment and an https server", async () => {
    const noToken = await promote(undefined, ["--env", "dev", "--version", "1.0.0"], {
      ARGOCD_SERVER: "https://argocd.example.com",
      ARGOCD_AUTH_TOKEN: "",
    });
    expect(noToken.code).toBe(EXIT.usage);
    expect(noToken.stderr).toContain("ARGOCD_AUTH_TOKEN is not set");
    const plain = await promote(undefined, [
      "--env",
      "dev",
      "--version",
      "1.0.0",
      "--server",
      "http://argocd.example.com",
    ]);
    expect(plain.code).toBe(EXIT.usage);
    expect(plain.stderr).toContain("the ArgoCD server must be an https:// URL");
  });

  it("names the Applications as the ApplicationSet does, and reads durations", () => {
    expect(applicationName("prod")).toBe("payments-prod");
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("1h")).toBe(3_600_000);
  });
});

describe("assess", () => {
  const since = new Date("2026-03-01T10:00:00Z");
  const app = (status: object) => ({
    metadata: { name: "payments-dev" },
    spec: { project: "payments", source: { repoURL: "r", targetRevision: "1.4.2" } },
    status,
  });
  const succeeded = {
    phase: "Succeeded",
    startedAt: "2026-03-01T10:00:01Z",
    syncResult: { revision: "1.4.2" },
  };

  it("ignores an operation that started before this promotion", () => {
    const stale = { ...succeeded, phase: "Failed", startedAt: "2026-03-01T09:00:00Z" };
    const a = assess(app({ operationState: stale, sync: { status: "OutOfSync" } }), {}, "1.4.2", since);
    expect(a.state).toBe("waiting");
  });

  it("is not done while a Rollout is still Progressing though the Application says Healthy", () => {
    const a = assess(
      app({
        operationState: succeeded,
        sync: { status: "Synced", revision: "1.4.2" },
        health: { status: "Healthy" },
      }),
      { nodes: [{ group: "argoproj.io", kind: "Rollout", name: "web", health: { status: "Progressing" } }] },
      "1.4.2",
      since,
    );
    expect(a.state).toBe("waiting");
  });

  it("is not done while synced to another revision", () => {
    const a = assess(
      app({
        operationState: succeeded,
        sync: { status: "Synced", revision: "1.4.1" },
        health: { status: "Healthy" },
      }),
      {},
      "1.4.2",
      since,
    );
    expect(a.state).toBe("waiting");
  });

  it("finds the previous version in the sync history", () => {
    expect(
      previousVersion({
        ...app({
          history: [
            { id: 1, revision: "1.3.0", deployedAt: "" },
            { id: 2, revision: "1.4.1", deployedAt: "" },
            { id: 3, revision: "1.4.2", deployedAt: "" },
          ],
        }),
      }),
    ).toBe("1.4.1");
  });
});

describe("the promote command as a process", () => {
  it("exits with the promotion's status", async () => {
    const s = await fake("sync-failed");
    const root = path.resolve(__dirname, "..", "..");
    const child = await new Promise<ReturnType<typeof spawnSync>>((resolve) => {
      // Spawned asynchronously so the fake server keeps answering.
      const { spawn } = require("node:child_process") as typeof import("node:child_process");
      const p = spawn(
        process.execPath,
        [
          "scripts/run-ts.mjs",
          "src/delivery/promote-cli.ts",
          "--env",
          "dev",
          "--version",
          "1.4.2",
          "--poll-interval",
          "20ms",
        ],
        {
          cwd: root,
          env: { ...process.env, ARGOCD_SERVER: s.url, ARGOCD_AUTH_TOKEN: "test-token", GITHUB_OUTPUT: "" },
        },
      );
      let stderr = "";
      p.stderr.on("data", (d) => {
        stderr += d;
      });
      p.on("close", (status) => resolve({ status, stderr } as unknown as ReturnType<typeof spawnSync>));
    });
    expect(child.status).toBe(EXIT.failed);
    expect(String(child.stderr)).toContain("promote: FAILED: payments-dev: the sync to 1.4.2 failed");
  });
});

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCachedOutputs, writeCachedOutputs } from "../../src/plan/outputs-cache";

/** A project directory with what an evaluation reads: sources, stack files, chart, lock file. */
function project(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-outputs-cache-"));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write("Pulumi.yaml", "name: platform\n");
  write("Pulumi.management.yaml", "config:\n  platform:accountId: '318274619203'\n");
  write("src/program.ts", "export {};\n");
  write("charts/payments/Chart.yaml", "version: 0.2.0\n");
  write("package-lock.json", "{}\n");
  fs.mkdirSync(path.join(root, "node_modules"));
  return root;
}

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
});

describe("the committed outputs kept between plans", () => {
  it("are read back while no input changed, and missed once a stack file, a source or the chart changes", () => {
    const root = project();
    roots.push(root);
    const outputs = { accountId: "318274619203", transitGatewayId: "tgw-0123456789abcdef0" };
    expect(readCachedOutputs(root, "management")).toBeUndefined();
    writeCachedOutputs(root, "management", outputs);
    expect(readCachedOutputs(root, "management")).toEqual(outputs);
    expect(readCachedOutputs(root, "dev"), "another stack's outputs").toBeUndefined();

    for (const [file, text] of [
      ["Pulumi.management.yaml", "config:\n  platform:accountId: '318274619204'\n"],
      ["src/program.ts", "export const changed = true;\n"],
      ["charts/payments/Chart.yaml", "version: 0.2.1\n"],
      ["Pulumi.dev.yaml", "config: {}\n"],
    ] as const) {
      writeCachedOutputs(root, "management", outputs);
      fs.writeFileSync(path.join(root, file), text);
      expect(readCachedOutputs(root, "management"), `after changing ${file}`).toBeUndefined();
    }
    // Written again, the stale files go: one file per stack.
    writeCachedOutputs(root, "management", outputs);
    expect(fs.readdirSync(path.join(root, "node_modules", ".cache", "platform-plan"))).toHaveLength(1);
  });

  it("are never read with PLATFORM_PLAN_NO_CACHE set, nor kept without node_modules", () => {
    const root = project();
    roots.push(root);
    writeCachedOutputs(root, "management", { a: 1 });
    process.env.PLATFORM_PLAN_NO_CACHE = "1";
    try {
      expect(readCachedOutputs(root, "management")).toBeUndefined();
    } finally {
      delete process.env.PLATFORM_PLAN_NO_CACHE;
    }
    fs.rmSync(path.join(root, "node_modules"), { recursive: true });
    writeCachedOutputs(root, "management", { a: 1 });
    expect(readCachedOutputs(root, "management")).toBeUndefined();
  });
});

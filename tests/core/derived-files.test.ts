import { describe, expect, it } from "vitest";
import { derivedFiles, staleDerivedFiles } from "../../src/plan/derived-files";

describe("files derived from the list of stacks", () => {
  it("are committed as the list says (run `npm run derive` after changing it)", () => {
    expect(derivedFiles().map((f) => f.path)).toContain(".sops.yaml");
    expect(staleDerivedFiles()).toEqual([]);
  });
});

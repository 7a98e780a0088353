import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findProjectRoot } from "../../src/core/config-loader";
import { COMMENT_MARKER, commentBody } from "../../src/plan/pr-comment";
import { PRICE_TABLE } from "../../src/plan/price-table";

describe("the pull request comment", () => {
  it("starts with the marker the posting workflow finds it by, and says how it was made", () => {
    const body = commentBody(
      [{ stack: "dev", code: 0, markdown: "### `dev`: no changes\n", error: "" }],
      "a".repeat(40),
      "b".repeat(40),
    );
    expect(body.split("\n")[0]).toBe(COMMENT_MARKER);
    const poster = fs.readFileSync(
      path.join(findProjectRoot(), ".github/workflows/plan-diff-comment.yml"),
      "utf8",
    );
    expect(poster).toContain(`marker='${COMMENT_MARKER}'`);
    expect(body).toContain("`aaaaaaaaaaaa`");
    expect(body).toContain(`price table of ${PRICE_TABLE.date}`);
    expect(body).toContain("### `dev`: no changes");
  });

  it("shows why a stack could not be evaluated, and cuts a huge section below GitHub's limit", () => {
    const body = commentBody(
      [
        { stack: "dev", code: 1, markdown: "", error: 'plan: the program failed for stack "dev": boom' },
        { stack: "prod", code: 0, markdown: `### \`prod\`\n${"| row |\n".repeat(10_000)}`, error: "" },
      ],
      "HEAD",
      undefined,
    );
    expect(body).toMatch(
      /### `dev`: not evaluated\n\n```text\nplan: the program failed for stack "dev": boom/,
    );
    expect(body.length).toBeLessThan(65_536);
    expect(body).toMatch(
      /cut at \d+ characters: the full report is in the workflow run's `plan-comment` artifact/,
    );
  });
});

import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  arnAccount,
  cronSchedule,
  dailyOverlapsWeekly,
  dailyWindow,
  parseDailyWindow,
  parseWeeklyWindow,
  weeklyWindow,
} from "../../src/core/config-primitives";
import { expectConfigError, stackValue } from "../support/harness";

const issues = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe("format primitives", () => {
  it("cron schedules: five valid fields or a macro", () => {
    for (const good of ["0 8 * * mon-fri", "*/15 0-6 * * *", "0 0 1 1 *", "@daily", "@hourly"]) {
      expect(issues(cronSchedule, good), good).toEqual([]);
    }
    expect(issues(cronSchedule, "0 8 * *")[0]).toMatch(/five fields .*"0 8 \* \*" has 4 fields/);
    expect(issues(cronSchedule, "0 0 8 * * *")[0]).toMatch(/has 6 fields/);
    expect(issues(cronSchedule, "61 8 * * *")[0]).toMatch(/"61 8 \* \* \*": .*59/);
    expect(issues(cronSchedule, "0 8 * * someday")[0]).toMatch(/"0 8 \* \* someday"/);
    expect(issues(cronSchedule, "@fortnightly")[0]).toMatch(/has 1 fields/);
  });

  it("RDS windows: valid times, at least 30 minutes", () => {
    expect(issues(dailyWindow, "02:00-03:00")).toEqual([]);
    expect(issues(dailyWindow, "23:30-00:15")).toEqual([]);
    expect(issues(dailyWindow, "25:00-26:00")[0]).toMatch(/expected a UTC window such as 02:00-03:00/);
    expect(issues(dailyWindow, "02:00-02:20")[0]).toMatch(/at least 30 minutes long; "02:00-02:20" is 20/);
    expect(issues(weeklyWindow, "sun:04:00-sun:05:00")).toEqual([]);
    expect(issues(weeklyWindow, "sat:23:45-sun:00:30")).toEqual([]);
    expect(issues(weeklyWindow, "sun:24:00-sun:25:00")[0]).toMatch(/sun:04:00-sun:05:00/);
    expect(issues(weeklyWindow, "fun:04:00-sun:05:00")[0]).toMatch(/days mon to sun/);
    expect(issues(weeklyWindow, "sun:04:00-sun:04:10")[0]).toMatch(/at least 30 minutes/);
  });

  it("a daily window overlaps a weekly one on any day, across midnight too", () => {
    const overlap = (d: string, w: string) =>
      dailyOverlapsWeekly(parseDailyWindow(d)!, parseWeeklyWindow(w)!);
    expect(overlap("02:00-03:00", "sun:04:00-sun:05:00")).toBe(false);
    expect(overlap("04:30-05:30", "sun:04:00-sun:05:00")).toBe(true);
    expect(overlap("03:00-04:00", "sun:04:00-sun:05:00")).toBe(false);
    expect(overlap("23:30-00:30", "mon:00:00-mon:01:00")).toBe(true);
    expect(overlap("12:00-13:00", "sat:23:00-sun:12:30")).toBe(true);
  });

  it("reads the account of an ARN", () => {
    expect(arnAccount("arn:aws:iam::529381746102:role/platform-deploy")).toBe("529381746102");
    expect(arnAccount("arn:aws:s3:::bucket")).toBeUndefined();
  });
});

describe("formats checked where the stack file is read", () => {
  const database = stackValue("prod", "platform:database");
  const karpenter = stackValue<{ disruptionBudgets: Record<string, unknown>[] }>(
    "prod",
    "platform:karpenter",
  );

  it("a Karpenter budget's schedule is a cron schedule", async () => {
    await expectConfigError(
      "prod",
      {
        "platform:karpenter": {
          ...karpenter,
          disruptionBudgets: [{ nodes: "0", schedule: "0 8 * mon-fri", duration: "10h" }],
        },
      },
      /Invalid configuration for stack "prod" \(Pulumi\.prod\.yaml\)/,
      /platform:karpenter\.disruptionBudgets\[0\]\.schedule: expected a cron schedule of five fields .*has 4 fields/,
    );
  });

  it("the database's windows are real times of the right length, and apart", async () => {
    await expectConfigError(
      "prod",
      {
        "platform:database": {
          ...database,
          backupWindow: "02:00-02:15",
          maintenanceWindow: "sun:04:00-sun:99:00",
        },
      },
      /Pulumi\.prod\.yaml/,
      /platform:database\.backupWindow: must be at least 30 minutes long/,
      /platform:database\.maintenanceWindow: expected a UTC window such as sun:04:00-sun:05:00/,
    );
    await expectConfigError(
      "prod",
      {
        "platform:database": {
          ...database,
          backupWindow: "04:00-05:00",
          maintenanceWindow: "sun:04:30-sun:05:30",
        },
      },
      /platform:database\.backupWindow: 04:00-05:00 overlaps platform:database\.maintenanceWindow \(sun:04:30-sun:05:30\); RDS refuses overlapping windows/,
    );
  });

  it("the deploy role is in the stack's own account", async () => {
    await expectConfigError(
      "preprod",
      { "platform:deployRoleArn": "arn:aws:iam::529381746102:role/platform-deploy" },
      /Pulumi\.preprod\.yaml/,
      /platform:deployRoleArn: arn:aws:iam::529381746102:role\/platform-deploy is a role in account 529381746102, but this stack deploys into 640192837465 \(platform:accountId\)/,
    );
  });
});

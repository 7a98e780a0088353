import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { parseCidr } from "./cidr";

/** The value types config sections share (imported by schema.ts and by the sections). */

export const accountId = z
  .string()
  .regex(/^\d{12}$/, "expected a 12-digit AWS account id (quote it in YAML)");
export const roleArn = z
  .string()
  .regex(
    /^arn:aws:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    "expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
  );
export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "expected an AWS region such as eu-west-2");
export const nonEmpty = z.string().min(1, "must not be empty");

/** A lowercase, fully qualified DNS name; `example` shows the expected form in the message. */
export function dnsName(example: string) {
  return z
    .string()
    .regex(
      /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/,
      `expected a lowercase DNS name such as ${example}`,
    );
}

/** A Route 53 hosted zone id. */
export const hostedZoneId = z
  .string()
  .regex(/^Z[A-Z0-9]{1,32}$/, "expected a Route 53 hosted zone id such as Z0123456789ABC");

/** An IPv4 block whose prefix length lies in [min, max]. */
export function ipv4Block(min: number, max: number) {
  return z.string().superRefine((value, ctx) => {
    try {
      const { prefix } = parseCidr(value);
      if (prefix < min || prefix > max) {
        ctx.addIssue({
          code: "custom",
          message: `expected an IPv4 block between /${min} and /${max}; "${value}" is a /${prefix}`,
        });
      }
    } catch (err) {
      ctx.addIssue({ code: "custom", message: `expected an IPv4 CIDR block: ${(err as Error).message}` });
    }
  });
}

/** The CloudWatch Logs retention periods the platform allows, in days. */
export const logRetentionDays = z.union(
  [
    z.literal(30),
    z.literal(60),
    z.literal(90),
    z.literal(180),
    z.literal(365),
    z.literal(731),
    z.literal(1827),
  ],
  { error: "expected one of the CloudWatch Logs retention periods 30, 60, 90, 180, 365, 731 or 1827" },
);

/** The account of an IAM ARN (`arn:aws:iam::<account>:…`), or undefined. */
export function arnAccount(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1];
}

/** The macros Go's cron parser (robfig/cron, which Karpenter uses) accepts besides five fields. */
const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** A cron schedule of five fields (minute hour day-of-month month day-of-week) or a macro such as @daily. */
export const cronSchedule = z.string().superRefine((value, ctx) => {
  const expected =
    'expected a cron schedule of five fields such as "0 8 * * mon-fri", or a macro such as @daily';
  const text = value.trim();
  if (CRON_MACROS.includes(text)) return;
  const fields = text.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 5) {
    ctx.addIssue({ code: "custom", message: `${expected}; "${value}" has ${fields.length} fields` });
    return;
  }
  try {
    CronExpressionParser.parse(text, { strict: false });
  } catch (err) {
    ctx.addIssue({ code: "custom", message: `${expected}; "${value}": ${(err as Error).message}` });
  }
});

/** Days of RDS maintenance windows, the week starting on Monday. */
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

function clock(hh: string, mm: string): number | undefined {
  const h = Number(hh);
  const m = Number(mm);
  return h <= 23 && m <= 59 ? h * 60 + m : undefined;
}

/** A time window as [start, end) minute offsets within a day (1440) or a week (10080); end may wrap. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
  readonly period: number;
}

/** `hh:mm-hh:mm` (UTC) → window within a day, or undefined when malformed. */
export function parseDailyWindow(text: string): TimeWindow | undefined {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const start = clock(m[1]!, m[2]!);
  const end = clock(m[3]!, m[4]!);
  return start === undefined || end === undefined ? undefined : { start, end, period: 1440 };
}

/** `ddd:hh:mm-ddd:hh:mm` (UTC) → window within a week, or undefined when malformed. */
export function parseWeeklyWindow(text: string): TimeWindow | undefined {
  const m = /^([a-z]{3}):(\d{2}):(\d{2})-([a-z]{3}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const d1 = DAYS.indexOf(m[1]!);
  const d2 = DAYS.indexOf(m[4]!);
  const t1 = clock(m[2]!, m[3]!);
  const t2 = clock(m[5]!, m[6]!);
  if (d1 < 0 || d2 < 0 || t1 === undefined || t2 === undefined) return undefined;
  return { start: d1 * 1440 + t1, end: d2 * 1440 + t2, period: 10080 };
}

/** Length of a window in minutes (a window ending before it starts wraps around its period). */
export function windowMinutes(w: TimeWindow): number {
  return (w.end - w.start + w.period) % w.period;
}

/** True when two arcs of a circle of length `period` share a minute. */
function arcsOverlap(
  aStart: number,
  aLength: number,
  bStart: number,
  bLength: number,
  period: number,
): boolean {
  const mod = (n: number) => ((n % period) + period) % period;
  return mod(aStart - bStart) < bLength || mod(bStart - aStart) < aLength;
}

/** True when a daily window, repeated every day of the week, overlaps a weekly window. */
export function dailyOverlapsWeekly(daily: TimeWindow, weekly: TimeWindow): boolean {
  for (let day = 0; day < 7; day++) {
    if (
      arcsOverlap(day * 1440 + daily.start, windowMinutes(daily), weekly.start, windowMinutes(weekly), 10080)
    ) {
      return true;
    }
  }
  return false;
}

/** RDS's daily backup window: valid UTC times, at least 30 minutes long. */
export const dailyWindow = z.string().superRefine((value, ctx) => {
  const w = parseDailyWindow(value);
  if (!w) {
    ctx.addIssue({
      code: "custom",
      message: `expected a UTC window such as 02:00-03:00 (hh:mm-hh:mm, 00:00 to 23:59); got "${value}"`,
    });
  } else if (windowMinutes(w) < 30) {
    ctx.addIssue({
      code: "custom",
      message: `must be at least 30 minutes long; "${value}" is ${windowMinutes(w)}`,
    });
  }
});

/** RDS's weekly maintenance window: valid days and UTC times, at least 30 minutes long. */
export const weeklyWindow = z.string().superRefine((value, ctx) => {
  const w = parseWeeklyWindow(value);
  if (!w) {
    ctx.addIssue({
      code: "custom",
      message: `expected a UTC window such as sun:04:00-sun:05:00 (ddd:hh:mm-ddd:hh:mm, days mon to sun); got "${value}"`,
    });
  } else if (windowMinutes(w) < 30) {
    ctx.addIssue({
      code: "custom",
      message: `must be at least 30 minutes long; "${value}" is ${windowMinutes(w)}`,
    });
  }
});

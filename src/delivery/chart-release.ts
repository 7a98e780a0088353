import semver from "semver";

/**
 * The release rule of the payments chart: a released version never changes (its ECR tag is
 * immutable, and environments pin versions), so any change under `charts/payments/` must raise
 * `version` in its Chart.yaml above the version on the base branch. Pure: the pull request check
 * (`npm run chart-check`) feeds it what git reports.
 */

export const CHART_DIR = "charts/payments";
export const CHART_FILE = `${CHART_DIR}/Chart.yaml`;

export interface ChartChange {
  /** Files the pull request changes (paths from the repository root). */
  readonly changedFiles: readonly string[];
  /** `version` of Chart.yaml on the base branch (undefined: the chart is new there). */
  readonly baseVersion: string | undefined;
  /** `version` of Chart.yaml in the pull request. */
  readonly headVersion: string | undefined;
}

export type ChartVerdict =
  | { readonly ok: true; readonly message: string }
  | { readonly ok: false; readonly message: string };

export function checkChartVersion(c: ChartChange): ChartVerdict {
  const touched = c.changedFiles.filter((f) => f === CHART_DIR || f.startsWith(`${CHART_DIR}/`));
  if (touched.length === 0) return { ok: true, message: `no change under ${CHART_DIR}/: nothing to release` };
  const head = c.headVersion;
  if (head === undefined || semver.valid(head) !== head) {
    return {
      ok: false,
      message: `${CHART_FILE}: version "${head ?? ""}" is not an exact SemVer version (1.4.2)`,
    };
  }
  if (c.baseVersion === undefined) {
    return { ok: true, message: `${CHART_DIR} is new at ${head}: it will be released as ${head}` };
  }
  if (!semver.gt(head, c.baseVersion)) {
    return {
      ok: false,
      message: [
        `${touched.length} file(s) under ${CHART_DIR}/ changed (${touched.slice(0, 5).join(", ")}${touched.length > 5 ? ", …" : ""}),`,
        `but ${CHART_FILE} still says version ${head}${head === c.baseVersion ? "" : ` (the base branch has ${c.baseVersion})`}.`,
        `Every chart change is a new release: raise version above ${c.baseVersion} (e.g. ${semver.inc(c.baseVersion, "patch")} for a fix, ${semver.inc(c.baseVersion, "minor")} for a feature).`,
      ].join(" "),
    };
  }
  return {
    ok: true,
    message: `${CHART_DIR} changes with version ${c.baseVersion} → ${head}: it will be released as ${head}`,
  };
}

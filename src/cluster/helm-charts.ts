/** A chart pinned in `VERSIONS.charts`. */
export interface PinnedChart {
  readonly repo: string;
  readonly chart: string;
  readonly version: string;
}

/** The chart reference of a `helm.v3.Release`: OCI charts by full URL, others through their repository. */
export function chartSource(c: PinnedChart): {
  chart: string;
  version: string;
  repositoryOpts?: { repo: string };
} {
  return c.repo.startsWith("oci://")
    ? { chart: `${c.repo}/${c.chart}`, version: c.version }
    : { chart: c.chart, version: c.version, repositoryOpts: { repo: c.repo } };
}

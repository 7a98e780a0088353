/**
 * What ArgoCD's ApplicationSet controller does with the platform's ApplicationSet, reproduced for
 * tests: the cluster generators select cluster secrets by label and turn each match into
 * parameters; every template string is then rendered as a Go template (with sprig, as ArgoCD does)
 * and the rendered `templatePatch` is merged into the Application. The Go templates are executed
 * by the real helm (its `tpl` function is Go's text/template with sprig), not re-implemented here.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { requireHelm } from "../chart/helm";
import { type LabelSelector, selectorMatches } from "../support/network-policy";

/** A cluster secret as the spokes write it. */
export interface ClusterSecret {
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  stringData: { name: string; server: string };
}

/** The parameters a cluster generator yields for one secret (ArgoCD's Go-template parameters). */
export interface ClusterParams {
  name: string;
  nameNormalized: string;
  server: string;
  metadata: { labels: Record<string, string>; annotations: Record<string, string> };
  values: Record<string, string>;
}

interface ClustersGenerator {
  clusters: { selector: LabelSelector; values?: Record<string, string> };
}

export interface ApplicationSetLike {
  metadata: { namespace: string };
  spec: {
    generators: ClustersGenerator[];
    template: { metadata: Record<string, unknown>; spec: Record<string, unknown> };
    templatePatch?: string;
  };
}

/** Each generator's parameter sets, in generator order (ArgoCD concatenates them). */
export function generate(appSet: ApplicationSetLike, secrets: readonly ClusterSecret[]): ClusterParams[] {
  return appSet.spec.generators.flatMap((g) =>
    secrets
      .filter((s) => s.metadata.labels["argocd.argoproj.io/secret-type"] === "cluster")
      .filter((s) => selectorMatches(g.clusters.selector, s.metadata.labels))
      .map((s) => ({
        name: s.stringData.name,
        nameNormalized: s.stringData.name.toLowerCase().replace(/[^a-z0-9.-]/g, "-"),
        server: s.stringData.server,
        metadata: { labels: { ...s.metadata.labels }, annotations: { ...s.metadata.annotations } },
        values: { ...(g.clusters.values ?? {}) },
      })),
  );
}

type Json = unknown;

function collect(value: Json, out: string[]): void {
  if (typeof value === "string") {
    if (value.includes("{{") && !out.includes(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collect(v, out);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) collect(v, out);
  }
}

function substitute(value: Json, rendered: ReadonlyMap<string, string>): Json {
  if (typeof value === "string") return rendered.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => substitute(v, rendered));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, rendered)]));
  }
  return value;
}

/** Maps merge key by key; anything else is replaced (a strategic merge of these fields). */
function merge(base: Json, patch: Json): Json {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  if (base === null || typeof base !== "object" || Array.isArray(base)) return patch;
  const out: Record<string, Json> = { ...(base as Record<string, Json>) };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out;
}

const RENDER_TEMPLATE = `{{- $out := list }}
{{- range $p := .Values.params }}
{{- $r := dict }}
{{- range $i, $s := $.Values.strings }}
{{- $_ := set $r (printf "s%d" $i) (tpl $s $p) }}
{{- end }}
{{- $_ := set $r "patch" (tpl $.Values.patch $p) }}
{{- $out = append $out $r }}
{{- end }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: rendered
data:
  json: {{ $out | toJson | quote }}
`;

/** The Applications the ApplicationSet generates for these parameter sets. */
export function renderApplications(
  appSet: ApplicationSetLike,
  params: readonly ClusterParams[],
): Record<string, unknown>[] {
  const strings: string[] = [];
  collect(appSet.spec.template, strings);
  const dir = mkdtempSync(path.join(tmpdir(), "appset-render-"));
  try {
    mkdirSync(path.join(dir, "templates"));
    writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: render\nversion: 0.0.0\n");
    writeFileSync(path.join(dir, "templates", "out.yaml"), RENDER_TEMPLATE);
    const values = { strings, patch: appSet.spec.templatePatch ?? "", params };
    writeFileSync(path.join(dir, "values.json"), JSON.stringify(values));
    const out = execFileSync(
      requireHelm(),
      ["template", "render", dir, "-f", path.join(dir, "values.json")],
      {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const cm = parseAllDocuments(out)
      .map((d) => d.toJS() as { data?: { json?: string } } | null)
      .find((d) => d?.data?.json !== undefined);
    const results = JSON.parse(cm!.data!.json!) as Record<string, string>[];
    return results.map((r) => {
      const rendered = new Map(strings.map((s, i) => [s, r[`s${i}`]!]));
      const template = substitute(appSet.spec.template, rendered) as {
        metadata: Record<string, unknown>;
        spec: Record<string, unknown>;
      };
      const app = {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { ...template.metadata, namespace: appSet.metadata.namespace },
        spec: template.spec,
      };
      const patch = parse(r.patch ?? "") as Json;
      return (patch ? merge(app, patch) : app) as Record<string, unknown>;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

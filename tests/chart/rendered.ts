/** Typed views of a helm render, for the chart's assertions. */
import type { IAnalysisTemplate, IRollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1";
import type { IExternalSecret } from "@kubernetes-models/external-secrets/external-secrets.io/v1";
import type { IHorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import type { IIngress, INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1";
import type { IContainer, IPodSpec, IService, IServiceAccount } from "kubernetes-models/v1";
import type { K8sObject } from "./helm";

interface KindMap {
  Rollout: IRollout;
  AnalysisTemplate: IAnalysisTemplate;
  ExternalSecret: IExternalSecret;
  HorizontalPodAutoscaler: IHorizontalPodAutoscaler;
  Ingress: IIngress;
  NetworkPolicy: INetworkPolicy;
  PodDisruptionBudget: IPodDisruptionBudget;
  Service: IService;
  ServiceAccount: IServiceAccount;
}

/** A rendered object with a name (every rendered object has one). */
export type Named<T> = T & { metadata: { name: string; labels?: Record<string, string> } };

export class Rendered {
  constructor(readonly objects: readonly K8sObject[]) {}

  all<K extends keyof KindMap>(kind: K): Named<KindMap[K]>[] {
    return this.objects.filter((o) => o.kind === kind) as unknown as Named<KindMap[K]>[];
  }

  find<K extends keyof KindMap>(kind: K, name: string): Named<KindMap[K]> | undefined {
    return this.all(kind).find((o) => o.metadata.name === name);
  }

  get<K extends keyof KindMap>(kind: K, name: string): Named<KindMap[K]> {
    const found = this.find(kind, name);
    if (found === undefined) throw new Error(`no ${kind} named ${name} was rendered`);
    return found;
  }

  /** The workload (app.kubernetes.io/component) an object belongs to. */
  static component(obj: { metadata: { labels?: Record<string, string> } }): string {
    return obj.metadata.labels?.["app.kubernetes.io/component"] ?? "";
  }
}

/** A pod spec rendered by the chart, with where it comes from. */
export interface RenderedPod {
  owner: string;
  /** `workload` for the Rollouts' long-running pods, `job` for analysis Jobs. */
  role: "workload" | "job";
  labels: Record<string, string>;
  spec: IPodSpec;
}

/** Every pod template the render contains: the Rollouts' and the analysis Jobs'. */
export function podTemplates(r: Rendered): RenderedPod[] {
  const pods: RenderedPod[] = [];
  for (const rollout of r.all("Rollout")) {
    const tpl = rollout.spec?.template;
    if (tpl?.spec === undefined) throw new Error(`Rollout/${rollout.metadata.name} has no pod template`);
    pods.push({
      owner: `Rollout/${rollout.metadata.name}`,
      role: "workload",
      labels: tpl.metadata?.labels ?? {},
      spec: tpl.spec,
    });
  }
  for (const template of r.all("AnalysisTemplate")) {
    for (const metric of template.spec?.metrics ?? []) {
      const job = metric.provider.job;
      if (job === undefined) continue;
      pods.push({
        owner: `AnalysisTemplate/${template.metadata.name}#${metric.name}`,
        role: "job",
        labels: job.spec.template.metadata?.labels ?? {},
        spec: job.spec.template.spec ?? { containers: [] },
      });
    }
  }
  return pods;
}

export function containersOf(pod: RenderedPod): IContainer[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

/** True when every label of `selector` is on `labels`. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (selector === undefined) return false;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

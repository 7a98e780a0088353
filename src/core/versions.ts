/**
 * Every pinned version the platform deploys, in one place. Bumping one is a reviewed change
 * to this file; nothing else in the program hard-codes a version.
 */
export const VERSIONS = {
  /** EKS Kubernetes versions this program supports; stack config picks one of them. */
  kubernetes: { supported: ["1.32", "1.33", "1.34"], default: "1.33" },
  /** EKS managed add-ons, by add-on name. */
  eksAddons: {
    "vpc-cni": "v1.20.4-eksbuild.1",
    coredns: "v1.12.2-eksbuild.4",
    "kube-proxy": "v1.33.3-eksbuild.6",
    "aws-ebs-csi-driver": "v1.48.0-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.8-eksbuild.2",
  },
  /** The EKS-optimized AL2023 AMI release Karpenter launches workload nodes from (EC2NodeClass alias). */
  karpenterAmiAlias: "al2023@v20250821",
  /** Helm charts, by release: chart repository, chart name and version. */
  charts: {
    karpenter: { repo: "oci://public.ecr.aws/karpenter", chart: "karpenter", version: "1.6.3" },
    /** Karpenter's CRDs as their own release, so chart upgrades update them (Helm never upgrades `crds/`). */
    karpenterCrd: { repo: "oci://public.ecr.aws/karpenter", chart: "karpenter-crd", version: "1.6.3" },
    externalSecrets: {
      repo: "https://charts.external-secrets.io",
      chart: "external-secrets",
      version: "0.19.2",
    },
    argoRollouts: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-rollouts", version: "2.40.4" },
    argoCd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "8.3.0" },
    awsLoadBalancerController: {
      repo: "https://aws.github.io/eks-charts",
      chart: "aws-load-balancer-controller",
      version: "1.13.4",
    },
    /**
     * external-dns (app v0.18), environment clusters only. It reads the
     * `external-dns.alpha.kubernetes.io/` annotations the payments chart sets; check the default
     * annotation prefix before moving to a release that changes it.
     */
    externalDns: {
      repo: "https://kubernetes-sigs.github.io/external-dns/",
      chart: "external-dns",
      version: "1.18.0",
    },
    ingressNginx: {
      repo: "https://kubernetes.github.io/ingress-nginx",
      chart: "ingress-nginx",
      version: "4.13.2",
    },
    metricsServer: {
      repo: "https://kubernetes-sigs.github.io/metrics-server",
      chart: "metrics-server",
      version: "3.13.0",
    },
    /** The Datadog node agent and cluster agent (APM on the node's port 8126), environment clusters. */
    datadog: { repo: "https://helm.datadoghq.com", chart: "datadog", version: "3.116.0" },
    /** Stakater Reloader: restarts the payments Rollouts when a Secret they read changes. */
    reloader: { repo: "https://stakater.github.io/stakater-charts", chart: "reloader", version: "2.1.3" },
  },
  /** Container images the platform runs itself, outside any chart. */
  images: {
    /**
     * Third-party images the environment clusters run, mirrored into the management ECR (immutable
     * tags; README, "Images before the first environment"): `repository` under the management
     * registry, copied from `upstream` (where Renovate looks for new tags).
     */
    mirrored: {
      /** The data-grants Job's AWS step (AWS CLI v2 with curl, which signs SigV4). */
      awsCli: {
        upstream: "public.ecr.aws/aws-cli/aws-cli",
        repository: "mirror/aws-cli/aws-cli",
        tag: "2.27.0",
      },
      /** The data-grants Job's PostgreSQL client (psql of the engine's major version). */
      postgres: {
        upstream: "public.ecr.aws/docker/library/postgres",
        repository: "mirror/library/postgres",
        tag: "16.9",
      },
      /** The payments chart's smoke test (its `analysis.smokeTest.image`). */
      curl: { upstream: "curlimages/curl", repository: "mirror/curlimages/curl", tag: "8.11.1" },
    },
  },
  /** Tailscale on the VPN subnet routers (package version from pkgs.tailscale.com, stable track). */
  tailscale: "1.86.2",
  /** Database and search engines. */
  engines: {
    postgres: { family: "postgres16", version: "16.9" },
    opensearch: "OpenSearch_2.19",
  },
} as const;

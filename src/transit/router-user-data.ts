import { parseCidr } from "../core/cidr";

export interface RouterUserDataArgs {
  /** ARN of the Secrets Manager secret holding the Tailscale auth key (read at boot, never embedded). */
  readonly authKeySecretArn: string;
  readonly region: string;
  /** CIDRs advertised to the tailnet (the VPCs staff reach through the router). */
  readonly advertiseRoutes: readonly string[];
  /** Tailscale ACL tag the router registers with (routes are auto-approved for it in the tailnet policy). */
  readonly tag: string;
  /** Hostname prefix; the instance id is appended. */
  readonly hostnamePrefix: string;
  /** Pinned Tailscale package version. */
  readonly tailscaleVersion: string;
}

/**
 * Boot script of a Tailscale subnet router on Amazon Linux 2023: enables IP forwarding, installs
 * the pinned Tailscale package, reads the auth key from Secrets Manager with the instance role
 * (IMDSv2 token), and advertises the environments' VPC CIDRs.
 */
export function routerUserData(args: RouterUserDataArgs): string {
  if (!/^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/.test(args.authKeySecretArn)) {
    throw new Error(`routerUserData: "${args.authKeySecretArn}" is not a Secrets Manager secret ARN`);
  }
  if (args.advertiseRoutes.length === 0) throw new Error("routerUserData: at least one route to advertise");
  for (const r of args.advertiseRoutes) parseCidr(r);
  if (!/^tag:[a-z0-9-]+$/.test(args.tag))
    throw new Error(`routerUserData: "${args.tag}" is not a Tailscale tag (tag:name)`);
  if (!/^[\d.]+$/.test(args.tailscaleVersion))
    throw new Error(`routerUserData: "${args.tailscaleVersion}" is not a version`);
  const routes = args.advertiseRoutes.join(",");
  return `#!/bin/bash
set -euo pipefail
cat > /etc/sysctl.d/99-tailscale.conf <<'SYSCTL'
net.ipv4.ip_forward = 1
SYSCTL
sysctl -p /etc/sysctl.d/99-tailscale.conf
dnf config-manager --add-repo https://pkgs.tailscale.com/stable/amazon-linux/2023/tailscale.repo
dnf install -y tailscale-${args.tailscaleVersion}
systemctl enable --now tailscaled
TOKEN=$(curl -sS -X PUT http://169.254.169.254/latest/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
INSTANCE_ID=$(curl -sS -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)
AUTH_KEY=$(aws secretsmanager get-secret-value --region ${args.region} --secret-id '${args.authKeySecretArn}' --query SecretString --output text)
tailscale up --auth-key="$AUTH_KEY" --advertise-routes=${routes} --advertise-tags=${args.tag} --hostname="${args.hostnamePrefix}-$INSTANCE_ID" --accept-dns=false
unset AUTH_KEY
`;
}

import * as pulumi from "@pulumi/pulumi";
import * as tailscale from "@pulumi/tailscale";
import { CI_TAG, type TailnetPolicy, tailnetPolicyJson } from "./tailnet-policy";

export interface TailnetArgs {
  /** The whole tailnet policy file (`tailnetPolicy`). */
  readonly policy: TailnetPolicy;
  /** The subnet routers' tag: their auth key registers them with it. */
  readonly routerTag: string;
  readonly provider: tailscale.Provider;
}

/**
 * The tailnet side of the private network, as code: the policy file (owned whole: anything not in
 * it is denied, and a hand edit is drift), the subnet routers' auth key, and the OAuth client CI
 * jobs join with. The key and the client are created after the policy, whose `tagOwners` declare
 * their tags.
 *
 * The routers' key is reusable and pre-authorised, so a replacement router joins on its own. It
 * expires after 90 days (Tailscale's longest); a router that joined keeps its node key (tagged
 * nodes do not expire), and the first refresh after expiry shows the key for re-creation, which
 * the nightly drift check reports.
 */
export class Tailnet extends pulumi.ComponentResource {
  /** The routers' auth key (a secret), for the Secrets Manager entry they read at boot. */
  readonly routerAuthKey: pulumi.Output<string>;
  /** The CI OAuth client (`auth_keys` for `tag:platform-ci` only): id and secret. */
  readonly ciClientId: pulumi.Output<string>;
  readonly ciClientSecret: pulumi.Output<string>;
  readonly policy: tailscale.Acl;

  constructor(name: string, args: TailnetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:delivery:Tailnet", name, {}, opts);
    const parent = { parent: this, provider: args.provider };

    this.policy = new tailscale.Acl(
      "policy",
      {
        acl: tailnetPolicyJson(args.policy),
        // The first run replaces the tailnet's default policy, which allows everything.
        overwriteExistingContent: true,
        resetAclOnDestroy: false,
      },
      parent,
    );
    const afterPolicy = { ...parent, dependsOn: [this.policy] };

    const routerKey = new tailscale.TailnetKey(
      "router-key",
      {
        description: "platform subnet routers",
        reusable: true,
        ephemeral: false,
        preauthorized: true,
        tags: [args.routerTag],
        expiry: 90 * 24 * 3600,
        recreateIfInvalid: "always",
      },
      afterPolicy,
    );
    this.routerAuthKey = pulumi.secret(routerKey.key);

    const ci = new tailscale.OauthClient(
      "ci-client",
      { description: "GitHub Actions runners of the platform", scopes: ["auth_keys"], tags: [CI_TAG] },
      afterPolicy,
    );
    this.ciClientId = ci.id;
    this.ciClientSecret = pulumi.secret(ci.key);

    this.registerOutputs({ ciClientId: this.ciClientId });
  }
}

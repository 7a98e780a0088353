/** DNS records SES needs for a sending domain with Easy DKIM and a custom MAIL FROM domain. */
export interface DnsRecord {
  readonly id: string;
  readonly name: string;
  readonly type: "CNAME" | "MX" | "TXT";
  readonly records: string[];
}

/** Easy DKIM always issues three tokens. */
export const DKIM_TOKEN_COUNT = 3;

export function dkimRecord(domain: string, token: string, index: number): DnsRecord {
  return {
    id: `dkim-${index + 1}`,
    name: `${token}._domainkey.${domain}`,
    type: "CNAME",
    records: [`${token}.dkim.amazonses.com`],
  };
}

/** MX (bounces come back to SES) and SPF for `<mailFromSubdomain>.<domain>`. */
export function mailFromRecords(args: { mailFromDomain: string; region: string }): DnsRecord[] {
  return [
    {
      id: "mail-from-mx",
      name: args.mailFromDomain,
      type: "MX",
      records: [`10 feedback-smtp.${args.region}.amazonses.com`],
    },
    {
      id: "mail-from-spf",
      name: args.mailFromDomain,
      type: "TXT",
      records: ["v=spf1 include:amazonses.com ~all"],
    },
  ];
}

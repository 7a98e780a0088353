/** PostgreSQL parameters of the payments database (primary and replicas share the group). */
export interface DbParameter {
  readonly name: string;
  readonly value: string;
  readonly applyMethod: "immediate" | "pending-reboot";
}

export function postgresParameters(args: { slowStatementMs: number }): DbParameter[] {
  return [
    // Clients must use TLS: plain connections are refused.
    { name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" },
    { name: "ssl_min_protocol_version", value: "TLSv1.2", applyMethod: "pending-reboot" },
    { name: "password_encryption", value: "scram-sha-256", applyMethod: "immediate" },
    { name: "log_connections", value: "1", applyMethod: "immediate" },
    { name: "log_disconnections", value: "1", applyMethod: "immediate" },
    { name: "log_min_duration_statement", value: String(args.slowStatementMs), applyMethod: "immediate" },
  ];
}

/** The CloudWatch Logs exports of every instance. */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** The RDS CA every instance presents (RSA 2048, valid to 2061). */
export const RDS_CA = "rds-ca-rsa2048-g1";

/**
 * Where Pulumi keeps the platform's state: one S3 bucket in the management account (the "DIY"
 * backend, project mode), encrypted with its own KMS key. The bootstrap program creates both;
 * the CI roles' permissions and the bucket policy name the objects below, so the layout lives in
 * one place. It is the Pulumi CLI's own layout for a project-mode S3 backend:
 *
 *   .pulumi/meta.yaml                                  state format version (read by every command)
 *   .pulumi/stacks/<project>/<stack>.json[.gz|.bak]    the checkpoint (and `.pulumi-tags`)
 *   .pulumi/history/<project>/<stack>/…                one entry per update
 *   .pulumi/backups/<project>/<stack>/…                checkpoint backups
 *   .pulumi/locks/organization/<project>/<stack>/…     the update lock (`up`, `refresh`; never `preview`)
 *   .pulumi/journal/<project>/<stack>/…                the update journal
 *
 * A `pulumi preview` reads the metadata and its stack's checkpoint and writes nothing; an update
 * also writes the checkpoint, history, backups, lock and journal. An environment stack's
 * StackReference reads the management stack's checkpoint (its plaintext outputs).
 */

/** The state bucket: `platform-pulumi-state-<management account>` (bucket names are global). */
export function stateBucketName(managementAccountId: string): string {
  if (!/^\d{12}$/.test(managementAccountId)) {
    throw new Error(`stateBucketName: "${managementAccountId}" is not an account id`);
  }
  return `platform-pulumi-state-${managementAccountId}`;
}

/** The bucket that receives the state bucket's server access logs. */
export function stateLogBucketName(managementAccountId: string): string {
  return `${stateBucketName(managementAccountId)}-logs`;
}

/** Alias of the KMS key that encrypts the state bucket (SSE-KMS, bucket key on). */
export const STATE_KEY_ALIAS = "alias/platform-pulumi-state";

/** The backend URL `pulumi login` takes (also the repository variable `PULUMI_BACKEND_URL`). */
export function stateBackendUrl(managementAccountId: string, region: string): string {
  return `s3://${stateBucketName(managementAccountId)}?region=${region}`;
}

/** Object key of the backend's metadata file, which every command reads first. */
export const STATE_METADATA_KEY = ".pulumi/meta.yaml";

/** What the bootstrap writes there: project mode (`.pulumi/stacks/<project>/<stack>.json`). */
export const STATE_METADATA = "version: 1\n";

export interface StackStateKeys {
  /** Object key patterns (S3 `Resource` suffixes, `*` wildcards) a preview reads. */
  readonly read: readonly string[];
  /** Object key patterns an update writes (and deletes: locks, journal, backups rotate). */
  readonly write: readonly string[];
}

/** The objects of one stack in the backend, as S3 key patterns. */
export function stackStateKeys(project: string, stack: string): StackStateKeys {
  for (const [what, v] of [
    ["project", project],
    ["stack", stack],
  ] as const) {
    if (!/^[a-z][a-z0-9-]*$/.test(v)) throw new Error(`stackStateKeys: "${v}" is not a ${what} name`);
  }
  const checkpoint = `.pulumi/stacks/${project}/${stack}.*`;
  return {
    read: [checkpoint],
    write: [
      checkpoint,
      `.pulumi/history/${project}/${stack}/*`,
      `.pulumi/backups/${project}/${stack}/*`,
      `.pulumi/locks/organization/${project}/${stack}/*`,
      `.pulumi/journal/${project}/${stack}/*`,
    ],
  };
}

/** The state objects of every PR environment (`pr-<number>` stacks), as S3 key patterns. */
export function prStacksStateKeys(project: string): StackStateKeys {
  const keys = stackStateKeys(project, "pr-0");
  const pattern = (k: string) => k.replace("/pr-0.", "/pr-*.").replace("/pr-0/", "/pr-*/");
  return { read: keys.read.map(pattern), write: keys.write.map(pattern) };
}

import * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";

/**
 * What a stack's contract with the stacks that read its outputs needs besides the schema itself:
 * the error naming each missing or malformed output and the stack, the validation, and the read
 * through a StackReference. `management-outputs.ts` and `base-environment-outputs.ts` are the two
 * contracts.
 */

export interface OutputProblem {
  readonly output: string;
  readonly message: string;
}

/** Outputs a reading stack needs that are missing or not of the contract's format. */
export class StackOutputsError extends Error {
  constructor(
    readonly stackRef: string,
    readonly problems: readonly OutputProblem[],
    /** What the stack is ("The management stack"), its name, and whom it fails ("this stack"). */
    what: { readonly subject: string; readonly stack: string; readonly reader: string },
  ) {
    super(
      `${what.subject} (${stackRef}) does not provide what ${what.reader} reads:\n` +
        problems.map((p) => `  - output ${p.output}: ${p.message}`).join("\n") +
        `\nApply the ${what.stack} stack first (pulumi up -s ${what.stack}), or check its outputs (pulumi stack output -s ${what.stack}).`,
    );
  }
}

/** Validates `raw` against `schema`, keeping only its keys; else the problems, each output named. */
export function validateOutputs<S extends z.ZodObject>(
  schema: S,
  raw: Readonly<Record<string, unknown>>,
): { readonly data: z.infer<S> } | { readonly problems: OutputProblem[] } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { data: parsed.data };
  return {
    problems: parsed.error.issues.map((i) => ({
      output: String(i.path[0] ?? "<root>"),
      message: raw[String(i.path[0])] === undefined ? "missing" : i.message,
    })),
  };
}

/**
 * The named outputs of `stack` in this organization and project, read through a StackReference
 * (secret ones included), and the reference's fully qualified name.
 */
export async function readStackOutputs(
  stack: string,
  project: string,
  names: readonly string[],
): Promise<{ readonly stackRef: string; readonly raw: Record<string, unknown> }> {
  const stackRef = `${pulumi.getOrganization()}/${project}/${stack}`;
  const ref = new pulumi.StackReference(stack, { name: stackRef });
  const raw: Record<string, unknown> = {};
  for (const output of names) {
    const details = await ref.getOutputDetails(output);
    raw[output] = details.value ?? details.secretValue;
  }
  return { stackRef, raw };
}

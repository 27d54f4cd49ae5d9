/** A plan that must not be carried out, with the sentence shown to the operator (CR condition, dry run). */
export interface Refusal {
  readonly ok: false;
  readonly reason: string;
}

/** Builds a refusal; plans refuse instead of throwing so a workflow can block with the reason. */
export function refuse(reason: string): Refusal {
  return { ok: false, reason };
}

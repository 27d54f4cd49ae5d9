/**
 * A failure the CLI explains in one line, with a hint on what to do next; the program prints it
 * (no stack trace) and exits 1. Details, when given, follow as indented lines.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(message: string, hint?: string, options: ErrorOptions & { readonly details?: readonly string[] } = {}) {
    super(message, options);
    this.hint = hint;
    this.details = options.details ?? [];
  }
}

/** The message of anything thrown, on one line. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}

// PVE puts the error text in the HTTP reason phrase (first line only) and, since
// libpve-http-server-perl 5.2.0, also in the JSON body as `message`.

/** An error answered the way pveproxy answers it: code, reason phrase, optional JSON body. */
export class PveError extends Error {
  /**
   * @param status HTTP status code.
   * @param message Full error text; its first line becomes the reason phrase.
   * @param errors Per-parameter messages (400s).
   * @param bodyless Errors raised before the API handler (auth, request framing) carry no body.
   */
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Readonly<Record<string, string>>,
    readonly bodyless = false,
  ) {
    super(message);
    this.name = 'PveError';
  }
}

/** Perl's `die "text\n"` inside a handler: HTTP 500, message keeps its newline. */
export function pveDie(text: string): PveError {
  return new PveError(500, `${text}\n`);
}

/** `raise_param_exc`: HTTP 400 with the per-parameter `errors` map. */
export function paramError(errors: Record<string, string>): PveError {
  return new PveError(400, 'Parameter verification failed.\n', errors);
}

/** rest_handler's answer when no API method matches (JSON body, message without newline). */
export function notImplemented(method: string, relPath: string): PveError {
  return new PveError(501, `Method '${method} ${relPath}' not implemented`);
}

/** Errors pveproxy raises before any handler runs: reason phrase only, empty body. */
export function transportError(status: number, reason: string): PveError {
  return new PveError(status, reason, undefined, true);
}

/** A failure inside a worker task: ends the task with `TASK ERROR: <message>`. */
export class TaskFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskFailure';
  }
}

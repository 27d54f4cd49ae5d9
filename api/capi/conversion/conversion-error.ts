/** A field of an object that cannot be written in the other version; the message names the field. */
export class ConversionError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'ConversionError';
  }
}

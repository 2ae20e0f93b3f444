/** A problem with the content of a LightGBM model file; the loader adds the file name. */
export class FormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'FormatError';
  }
}

// A problem with the content of a model file. The readers throw it with the problem alone;
// loadXgboostModel() adds the file name by turning it into a ModelLoadError.
export class ModelFormatError extends Error {
  constructor(problem: string) {
    super(problem);
    this.name = 'ModelFormatError';
  }
}

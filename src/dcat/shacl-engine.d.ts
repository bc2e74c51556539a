// Types for the part of shacl-engine (no types published) that test/dcat.test.ts uses to validate catalogs.
declare module 'shacl-engine' {
  import type { DatasetCore, Term } from '@rdfjs/types';

  interface ResultTerm { term?: Term; value?: string }
  export interface ValidationResult {
    severity?: Term;
    focusNode?: ResultTerm;
    path?: { predicates: Term[] }[];
    constraintComponent?: Term;
    value?: ResultTerm;
    message?: Term[];
  }
  export interface ValidationReport { conforms: boolean; results: ValidationResult[] }

  export class Validator {
    constructor(shapes: DatasetCore, options: { factory: unknown; debug?: boolean; details?: boolean });
    validate(data: { dataset: DatasetCore; terms?: Iterable<Term> }): Promise<ValidationReport>;
  }
}

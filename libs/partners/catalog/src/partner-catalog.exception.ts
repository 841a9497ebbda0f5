import { type CatalogProblem, formatCatalogProblem } from './catalog-problem';

export enum PartnerCatalogErrorCode {
  /** The configuration in the catalog directory is invalid; `problems` lists every finding. */
  InvalidCatalog = 'INVALID_CATALOG',
  /** A caller asked for something the catalog cannot answer (unknown mapping set in a conversion). */
  InvalidArgument = 'INVALID_ARGUMENT',
}

export class PartnerCatalogException extends Error {
  override readonly name = 'PartnerCatalogException';

  constructor(
    readonly code: PartnerCatalogErrorCode,
    message: string,
    readonly problems: readonly CatalogProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(
      problems.length === 0
        ? message
        : `${message}\n${problems.map((p) => `  - ${formatCatalogProblem(p)}`).join('\n')}`,
      options,
    );
  }
}

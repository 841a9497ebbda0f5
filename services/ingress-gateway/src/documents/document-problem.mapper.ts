import type { DocumentProblem, DocumentSplit } from '@tradewind/partner-documents';

import type { ProblemError } from '../gateway.exception';

/** An order of the upload that was not accepted, with every one of its problems. */
export interface RefusedOrder {
  readonly batchIndex: number;
  readonly businessRef: string | null;
  readonly errors: readonly ProblemError[];
}

/** A partner-documents problem as an `errors` item: the readable location plus its structured parts. */
export function toProblemError(
  problem: DocumentProblem,
  order?: { index: number; businessRef: string | undefined },
): ProblemError {
  const at = problem.at;
  const located: Partial<Record<keyof ProblemError, unknown>> = {};
  switch (at.kind) {
    case 'json':
      located.pointer = at.pointer;
      break;
    case 'csv':
      located.line = at.line;
      if (at.column !== undefined) located.column = at.column;
      break;
    case 'x12':
      located.segment = at.segment;
      located.segmentTag = at.tag;
      if (at.element !== undefined) located.element = at.element;
      if (at.byteOffset !== undefined) located.byteOffset = at.byteOffset;
      break;
    case 'bytes':
      located.byteOffset = at.byteOffset;
      break;
    case 'xml':
      // an element path, or a line and column: the readable location carries both
      if (at.line !== undefined) located.line = at.line;
      if (at.column !== undefined) located.column = at.column;
      break;
    case 'document':
    case 'order':
      break;
  }
  return {
    code: problem.code,
    detail: problem.message,
    location: problem.location,
    ...(located as Partial<ProblemError>),
    ...(order === undefined
      ? {}
      : {
          orderIndex: order.index,
          ...(order.businessRef === undefined ? {} : { businessRef: order.businessRef }),
        }),
  };
}

/** Every problem of a split upload: the upload's own first, then each order's, in document order. */
export function splitProblems(split: DocumentSplit): ProblemError[] {
  return [
    ...split.documentProblems.map((p) => toProblemError(p)),
    ...split.slices.flatMap((slice) =>
      slice.problems.map((p) => toProblemError(p, { index: slice.index, businessRef: slice.businessRef })),
    ),
  ];
}

// The reconciler's one exception class; the API maps its codes to HTTP statuses.
export enum ReconcilerErrorCode {
  /** The requested window is not a time, or not a window boundary. */
  InvalidWindow = 'RECONCILER_INVALID_WINDOW',
  /** The window was never reconciled. */
  WindowNotReconciled = 'RECONCILER_WINDOW_NOT_RECONCILED',
}

export class ReconcilerError extends Error {
  override readonly name = 'ReconcilerError';

  constructor(
    readonly code: ReconcilerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export enum ObservabilityErrorCode {
  /** A metric name breaks the Prometheus naming conventions. */
  MetricName = 'OBSERVABILITY_METRIC_NAME',
  /** A metric of that name exists with another type or other labels. */
  MetricConflict = 'OBSERVABILITY_METRIC_CONFLICT',
  /** A readiness check did not answer within its timeout. */
  CheckTimeout = 'OBSERVABILITY_CHECK_TIMEOUT',
  /** A readiness check answered, negatively. */
  CheckFailed = 'OBSERVABILITY_CHECK_FAILED',
}

export class ObservabilityException extends Error {
  override readonly name = 'ObservabilityException';

  constructor(
    readonly code: ObservabilityErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

// The small request/response shapes the controllers exchange with the HTTP server.
import type { IncomingHttpHeaders } from 'node:http';

import type { PythonError } from '../orm/python-error';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SimResponse {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export interface CallHooks {
  /** Counts a call against `model.method` in the stats. */
  count: (key: string) => void;
  /** A failure the error-rate knob injects into this call, if any. */
  injected?: PythonError;
}

export const json = (status: number, value: unknown, headers?: Record<string, string>): SimResponse => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify(value),
  headers,
});

export const textResponse = (
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
): SimResponse => ({
  status,
  contentType,
  body,
});

import { asText } from './model.types';
// Python exceptions as Odoo raises them: the fully qualified name, the args tuple and the HTTP status
// the JSON-2 dispatcher gives them (odoo/exceptions.py `http_status`, odoo/http.py Json2Dispatcher).

export class PythonError extends Error {
  constructor(
    /** Fully qualified exception name, e.g. `odoo.exceptions.UserError`. */
    readonly pythonName: string,
    message: string,
    /** `exception.args` as serialized by `serialize_exception`. */
    readonly pythonArgs: unknown[] = [message],
    /** Status the JSON-2 dispatcher answers with (UserError subclasses carry their own). */
    readonly httpStatus = 500,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const userError = (message: string): PythonError =>
  new PythonError('odoo.exceptions.UserError', message, [message], 422);
export const validationError = (message: string): PythonError =>
  new PythonError('odoo.exceptions.ValidationError', message, [message], 422);
export const accessError = (message: string): PythonError =>
  new PythonError('odoo.exceptions.AccessError', message, [message], 403);
export const accessDenied = (message = 'Access Denied'): PythonError =>
  new PythonError('odoo.exceptions.AccessDenied', message, [message], 403);
export const missingError = (message: string): PythonError =>
  new PythonError('odoo.exceptions.MissingError', message, [message], 404);
export const valueError = (message: string): PythonError =>
  new PythonError('builtins.ValueError', message, [message], 500);
export const typeError = (message: string): PythonError =>
  new PythonError('builtins.TypeError', message, [message], 500);
export const attributeError = (message: string): PythonError =>
  new PythonError('builtins.AttributeError', message, [message], 500);
export const serializationFailure = (): PythonError =>
  new PythonError(
    'psycopg2.errors.SerializationFailure',
    'could not serialize access due to concurrent update\n',
    ['could not serialize access due to concurrent update\n'],
    500,
  );

/** werkzeug HTTP exceptions: serialized with `arguments=(description, code)` by the JSON-2 dispatcher. */
export const httpError = (
  name: 'BadRequest' | 'Unauthorized' | 'NotFound' | 'UnprocessableEntity' | 'InternalServerError',
  code: number,
  description: string,
  headers: Record<string, string> = {},
): PythonError =>
  new PythonError(`werkzeug.exceptions.${name}`, description, [description, code], code, headers);

/** Python's `repr()` of a str, enough for the identifiers and values that appear in Odoo's messages. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') return JSON.stringify(value);
  return asText(value);
}

/** `repr()` of a tuple, as Odoo prints domain leaves. */
export function pyTuple(values: readonly unknown[]): string {
  return `(${values.map(pyRepr).join(', ')}${values.length === 1 ? ',' : ''})`;
}

/** A traceback-shaped `debug` string: real Odoo sends the server traceback here. */
export function fakeTraceback(error: PythonError): string {
  return (
    'Traceback (most recent call last):\n' +
    '  File "/opt/odoo/odoo/http.py", line 2212, in _transactioning\n' +
    '    return service_model.retrying(func, env=self.env)\n' +
    '  File "<odoo-simulator>", line 1, in <module>\n' +
    `${error.pythonName}: ${error.message}\n`
  );
}

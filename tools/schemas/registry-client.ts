// The few Confluent-compatible schema registry calls the schema tools need, over fetch. Written against
// Apicurio Registry 3's /apis/ccompat/v7 and Confluent's API; differences are noted where they matter.
import { SchemaToolErrorCode, SchemaToolException } from './schema-tool.exception';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

// Confluent error codes (Apicurio's ccompat layer returns the same).
const SUBJECT_NOT_FOUND = 40401;
const SCHEMA_NOT_FOUND = 40403;

export interface RegisteredVersion {
  subject: string;
  version: number;
  id: number;
  schema: string;
}

export interface RegistryClientOptions {
  /** Per request; the registry is local, so a slow answer means it is not there. */
  timeoutMs?: number;
  /** Basic auth of a secured registry (SCHEMA_REGISTRY_USERNAME/PASSWORD, as the services use). */
  auth?: { username: string; password: string };
}

export class RegistryClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly authorization: Record<string, string>;

  constructor(baseUrl: string, options: RegistryClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.authorization = options.auth
      ? {
          Authorization: `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`,
        }
      : {};
  }

  get url(): string {
    return this.baseUrl;
  }

  /** True when the registry answers its global config. */
  async isReachable(): Promise<boolean> {
    try {
      await this.getGlobalCompatibility();
      return true;
    } catch {
      return false;
    }
  }

  async getGlobalCompatibility(): Promise<string> {
    const body = await this.request<{ compatibilityLevel: string }>('GET', '/config');
    return body.compatibilityLevel;
  }

  async setGlobalCompatibility(level: string): Promise<void> {
    await this.request('PUT', '/config', { compatibility: level });
  }

  /**
   * The subject's own level, or null when the subject is unknown. Apicurio answers NONE for a subject
   * without its own level even when the global level is stricter, so callers pin levels explicitly.
   */
  async getSubjectCompatibility(subject: string): Promise<string | null> {
    const body = await this.request<{ compatibilityLevel: string } | null>(
      'GET',
      `/config/${encodeURIComponent(subject)}`,
      undefined,
      [SUBJECT_NOT_FOUND],
    );
    return body?.compatibilityLevel ?? null;
  }

  async setSubjectCompatibility(subject: string, level: string): Promise<void> {
    await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level });
  }

  async listSubjects(): Promise<string[]> {
    return this.request<string[]>('GET', '/subjects');
  }

  /** Version numbers, oldest first; null when the subject does not exist. */
  async listVersions(subject: string): Promise<number[] | null> {
    const versions = await this.request<number[] | null>(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      undefined,
      [SUBJECT_NOT_FOUND],
    );
    return versions ? [...versions].sort((a, b) => a - b) : null;
  }

  async getVersion(subject: string, version: number | 'latest'): Promise<RegisteredVersion> {
    return this.request<RegisteredVersion>(
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
    );
  }

  /** Every version of a subject, oldest first; empty when the subject does not exist. */
  async getAllVersions(subject: string): Promise<RegisteredVersion[]> {
    const versions = (await this.listVersions(subject)) ?? [];
    return Promise.all(versions.map((version) => this.getVersion(subject, version)));
  }

  /** The version under which this exact schema is registered, or null. */
  async lookup(subject: string, schema: string): Promise<RegisteredVersion | null> {
    return this.request<RegisteredVersion | null>(
      'POST',
      `/subjects/${encodeURIComponent(subject)}`,
      { schema },
      [SUBJECT_NOT_FOUND, SCHEMA_NOT_FOUND],
    );
  }

  /** Registers (or finds) the schema; a 409 means the registry judged it incompatible. */
  async register(subject: string, schema: string): Promise<{ id: number }> {
    return this.request<{ id: number }>('POST', `/subjects/${encodeURIComponent(subject)}/versions`, {
      schema,
    });
  }

  /**
   * The registry's own verdict at the subject's configured level. Apicurio quirks (3.3): `verbose=true` is
   * accepted but no messages come back; `versions/latest` compares with the latest version only, even for
   * a *_TRANSITIVE level, while `versions` compares with every version, so pass `all` for transitive levels;
   * an unknown subject is reported compatible.
   */
  async isCompatible(subject: string, schema: string, against: 'latest' | 'all'): Promise<boolean> {
    const suffix = against === 'latest' ? '/versions/latest' : '/versions';
    const body = await this.request<{ is_compatible: boolean }>(
      'POST',
      `/compatibility/subjects/${encodeURIComponent(subject)}${suffix}?verbose=true`,
      { schema },
    );
    return body.is_compatible;
  }

  /** Removes a subject for good (soft delete first, as Confluent requires). */
  async deleteSubject(subject: string): Promise<void> {
    const path = `/subjects/${encodeURIComponent(subject)}`;
    await this.request('DELETE', path, undefined, [SUBJECT_NOT_FOUND]);
    await this.request('DELETE', `${path}?permanent=true`, undefined, [SUBJECT_NOT_FOUND]);
  }

  private async request<T>(method: string, path: string, body?: unknown, nullOn: number[] = []): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          Accept: CONTENT_TYPE,
          ...this.authorization,
          ...(body === undefined ? {} : { 'Content-Type': CONTENT_TYPE }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new SchemaToolException(
        SchemaToolErrorCode.RegistryUnavailable,
        `schema registry at ${this.baseUrl} does not answer (${method} ${path})`,
        { cause: error },
      );
    }
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (response.ok) return parsed as T;
    const errorCode = (parsed as { error_code?: unknown } | undefined)?.error_code;
    if (typeof errorCode === 'number' && nullOn.includes(errorCode)) return null as T;
    if (response.status === 404 && nullOn.length > 0 && errorCode === undefined) return null as T;
    const message = (parsed as { message?: unknown } | undefined)?.message;
    throw new SchemaToolException(
      SchemaToolErrorCode.RegistryRequestFailed,
      `schema registry ${method} ${path} failed with HTTP ${response.status}: ${
        typeof message === 'string' ? message : text.slice(0, 300)
      }`,
      { status: response.status },
    );
  }
}

/** The few API calls this page makes, with the caller's bearer token. Errors carry the API's `code`. */

export interface ApiFile {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  uploadTimestamp: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(
    readonly baseUrl: string,
    private token: string | null = null,
  ) {}

  get signedIn(): boolean {
    return this.token !== null;
  }

  signOut(): void {
    this.token = null;
  }

  async signIn(action: 'login' | 'register', email: string, password: string): Promise<string> {
    const { accessToken } = await this.call<{ accessToken: string }>('POST', `/auth/${action}`, { email, password });
    this.token = accessToken;
    return accessToken;
  }

  me(): Promise<{ id: string; email: string }> {
    return this.call('GET', '/auth/me');
  }

  async listFiles(): Promise<ApiFile[]> {
    return (await this.call<{ items: ApiFile[] }>('GET', '/files?limit=200')).items;
  }

  async downloadUrl(id: number): Promise<string> {
    return (await this.call<{ url: string }>('GET', `/files/${id}/download-url`)).url;
  }

  deleteFile(id: number): Promise<void> {
    return this.call('DELETE', `/files/${id}`);
  }

  /** A bearer-authenticated JSON call: what every other method (and the upload signers) use. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return undefined as T;
    const answer = (await response.json().catch(() => ({}))) as { error?: string; code?: string };
    if (!response.ok) throw new ApiError(response.status, answer.code ?? 'UNKNOWN', answer.error ?? `HTTP ${response.status}`);
    return answer as T;
  }
}

// The admin API over HTTP, and nothing else: every answer is checked against its contract in
// src/protocol before the CLI uses it, and every failure becomes an exit code (exit-codes.ts).
import type { z } from 'zod';
import { ReceivedApiError } from '../protocol/api';
import { CliError, EXIT } from './exit-codes';

export interface ClientOptions {
  serverUrl: string;
  token: string;
}

export class AdminClient {
  constructor(private readonly options: ClientOptions) {}

  get serverUrl(): string {
    return this.options.serverUrl;
  }

  get<T>(schema: z.ZodType<T>, path: string): Promise<T> {
    return this.request(schema, 'GET', path);
  }

  send<T>(schema: z.ZodType<T>, method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
    return this.request(schema, method, path, body);
  }

  private async request<T>(schema: z.ZodType<T>, method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.options.serverUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        EXIT.unexpected,
        `Could not reach the Tally server at ${this.options.serverUrl}: ${cause?.code ?? cause?.message ?? String(error)}.`,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) throw failure(response.status, json, method, url.pathname);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CliError(
        EXIT.unexpected,
        `The server's answer to ${method} ${url.pathname} does not match what this CLI expects (${parsed.error.issues[0]?.message ?? 'unknown shape'}): is the server the same version?`,
      );
    }
    return parsed.data;
  }
}

/** The server's refusal as an exit code, with its message and the field it names. */
function failure(status: number, json: unknown, method: string, path: string): CliError {
  const error = ReceivedApiError.safeParse(json);
  const message = error.success ? error.data.error.message : `${method} ${path} answered HTTP ${status}.`;
  const field = error.success ? error.data.error.field : undefined;
  if (status === 401) return new CliError(EXIT.unauthenticated, `Not authenticated: ${message}`, field);
  if (status === 403) return new CliError(EXIT.forbidden, `Not allowed: ${message}`, field);
  if (status >= 400 && status < 500) return new CliError(EXIT.refused, message, field);
  return new CliError(EXIT.unexpected, `The server failed (HTTP ${status}): ${message}`);
}

import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ApiKey, ApiScope } from '@rollout-ledger/config';
import { LedgerError } from '@rollout-ledger/contracts';

export const API_KEYS = Symbol('API_KEYS');
const SCOPE = 'rollout-ledger:scope';

/** Marks a route as needing an API key with this scope (`admin` keys pass every scope). */
export const RequireScope = (scope: ApiScope) => SetMetadata(SCOPE, scope);

/**
 * API keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
 * No key → 401, a key without the scope → 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: readonly ApiKey[],
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPE, [context.getHandler(), context.getClass()]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const presented = presentedKey(request);
    if (!presented) throw new LedgerError('UNAUTHENTICATED', `an API key with scope "${scope}" is required (Authorization: Bearer <key> or X-API-Key)`);
    const key = this.keys.find((candidate) => candidate.key === presented);
    if (!key) throw new LedgerError('UNAUTHENTICATED', 'unknown API key');
    if (!key.scopes.has(scope) && !key.scopes.has('admin')) {
      throw new LedgerError('FORBIDDEN', `this API key lacks scope "${scope}" (it has: ${[...key.scopes].join(', ')})`);
    }
    return true;
  }
}

function presentedKey(request: Request): string | null {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim() || null;
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.trim() ? apiKey.trim() : null;
}

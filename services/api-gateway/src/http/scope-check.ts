// The gateway's enforcement of API key scopes (DESIGN.md §2, §7; issue 12 defect 3), from the one
// table in packages/contracts the services' OpenAPI documents are built from. An operation the table
// does not declare is refused whatever the key (fail closed): forgetting to declare a scope must not
// open an operation to every key.
import { requiredScopeOf, scopesGrant } from '@runfleet/contracts';
import { AppError } from '@runfleet/service-kit';

/** Throws 403 naming the scope the key lacks, or 403 when the operation declares none. */
export function assertScope(method: string, path: string, keyScopes: readonly string[]): void {
  const required = requiredScopeOf(method, path);
  if (required === undefined) {
    throw AppError.forbidden('AUTH_OPERATION_UNDECLARED', `${method} ${path} declares no scope, so no key may call it.`);
  }
  if (!scopesGrant(keyScopes, required)) {
    throw AppError.forbidden('AUTH_SCOPE_MISSING', `This key lacks the scope ${required} that ${method} ${path} requires.`, {
      errors: [{ field: 'scopes', message: `missing ${required}` }],
    });
  }
}

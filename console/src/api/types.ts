// Shapes of the API answers the console reads (docs/api.md; the user object of issue 19's contract).
// Only the fields the pages use are listed.

export type Role = 'admin' | 'reseller' | 'customer';

/** `GET /v1/auth/me` and every auth answer's `user` */
export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  resellerId: string | null;
  customerId: string | null;
  emailVerified: boolean;
  totpEnabled: boolean;
}

/** Every list endpoint: packages/contracts/src/pagination.ts */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Money on the wire: a decimal string and its currency, never a number. */
export interface MoneyValue {
  amount: string;
  currency: string;
}

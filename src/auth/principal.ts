/** Who is calling: decided once per request from its credentials. */
export type Principal =
  { kind: 'account'; accountId: string } | { kind: 'partner'; partner: string } | { kind: 'admin'; name: string } | { kind: 'anonymous' };

/** A principal a token can name (anonymous is the absence of one). */
export type TokenPrincipal = Exclude<Principal, { kind: 'anonymous' }>;

/** The `role` claim of a token, one per kind of token principal. */
export const ROLES = ['account', 'partner', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The token's `sub`: the account id, the partner's name or the admin's name. */
export function subjectOf(p: TokenPrincipal): string {
  switch (p.kind) {
    case 'account':
      return p.accountId;
    case 'partner':
      return p.partner;
    case 'admin':
      return p.name;
  }
}

export function principalOf(role: Role, subject: string): TokenPrincipal {
  switch (role) {
    case 'account':
      return { kind: 'account', accountId: subject };
    case 'partner':
      return { kind: 'partner', partner: subject };
    case 'admin':
      return { kind: 'admin', name: subject };
  }
}

import { ApiKeyInfo, ApiKeysRepository, ROLES, Role } from '@trace/access';
import { UsageError, parseCommandLine } from './usage';

export const KEYS_USAGE = `usage:
  keys create --role quality|auditor|admin (--brand B [--brand B2 ...] | --all-brands) [--label TEXT]
  keys create --role approver --brand B [--label TEXT]
  keys list
  keys revoke <key id or key>`;

/** Runs `keys <sub-command>`; returns the lines to print (a new key alone on the last line). */
export async function keysCommand(args: string[], keys: ApiKeysRepository): Promise<string[]> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values: opts, positionals } = parseCommandLine(rest, {
        role: { type: 'string' },
        brand: { type: 'string', multiple: true },
        'all-brands': { type: 'boolean' },
        label: { type: 'string' },
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]!}`);
      const role = opts.role as Role | undefined;
      if (!role || !ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const brands = opts.brand ?? [];
      if (opts['all-brands'] && brands.length > 0) throw new UsageError('give --brand or --all-brands, not both');
      if (!opts['all-brands'] && brands.length === 0) throw new UsageError('give at least one --brand, or --all-brands');
      if (brands.some((b) => b.length === 0 || b.length > 128)) throw new UsageError('a brand is 1 to 128 characters');
      // The brand keeps the authority: an approver speaks for exactly one brand, never for the site.
      if (role === 'approver' && brands.length !== 1) throw new UsageError('an approver key is scoped to exactly one --brand');
      const created = await keys.create(role, opts['all-brands'] ? '*' : brands, opts.label);
      return [`created key ${created.info.id} (${describe(created.info)}); it is shown once, store it now:`, created.key];
    }
    case 'list': {
      const all = await keys.list();
      return all.length === 0 ? ['no keys'] : all.map((k) => `${k.id}  ${describe(k)}  created ${k.createdAt}${k.revokedAt ? `  REVOKED ${k.revokedAt}` : ''}`);
    }
    case 'revoke': {
      if (rest.length !== 1) throw new UsageError('keys revoke takes one key id or key');
      if (!(await keys.revoke(rest[0]!))) throw new Error(`no key ${rest[0]!.slice(0, 20)}`);
      return ['revoked'];
    }
    default:
      throw new UsageError(sub ? `unknown command keys ${sub}` : 'missing command');
  }
}

const describe = (k: ApiKeyInfo): string => `${k.role}, brands ${k.brands === '*' ? 'all (site-wide)' : k.brands.join(', ')}${k.label ? `, "${k.label}"` : ''}`;

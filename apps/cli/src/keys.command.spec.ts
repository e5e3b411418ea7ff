import type { ApiKeysRepository } from '@trace/access';
import { keysCommand } from './keys.command';
import { UsageError } from './usage';

const fakeKeys = () => {
  const create = jest.fn((role: string, brands: string[] | '*', label?: string) =>
    Promise.resolve({ key: 'k_secret', info: { id: 'k1', role, brands, ...(label ? { label } : {}), createdAt: '2026-12-01T00:00:00.000Z' } }),
  );
  return { repo: { create } as unknown as ApiKeysRepository, create };
};

describe('keys command line', () => {
  it('creates a key for the brands given, and prints the key alone on the last line', async () => {
    const { repo, create } = fakeKeys();
    const lines = await keysCommand(['create', '--role', 'auditor', '--brand', 'Acme', '--brand', 'Initech', '--label', 'desk'], repo);
    expect(create).toHaveBeenCalledWith('auditor', ['Acme', 'Initech'], 'desk');
    expect(lines.at(-1)).toBe('k_secret');
  });

  it('creates a site-wide key with --all-brands', async () => {
    const { repo, create } = fakeKeys();
    await keysCommand(['create', '--role', 'admin', '--all-brands'], repo);
    expect(create).toHaveBeenCalledWith('admin', '*', undefined);
  });

  it('creates an approver key for exactly one brand', async () => {
    const { repo, create } = fakeKeys();
    await keysCommand(['create', '--role', 'approver', '--brand', 'Acme'], repo);
    expect(create).toHaveBeenCalledWith('approver', ['Acme'], undefined);
  });

  it.each([
    [['create', '--role', 'approver', '--all-brands']],
    [['create', '--role', 'approver', '--brand', 'Acme', '--brand', 'Initech']],
    [['create', '--role', 'root', '--all-brands']],
    [['create', '--brand', 'Acme']],
    [['create', '--role', 'quality']],
    [['create', '--role', 'quality', '--brand', 'Acme', '--all-brands']],
    [['create', '--role', 'quality', '--brand']],
    [['create', '--role', 'quality', '--all-brands', '--force']],
    [['create', '--role', 'quality', '--all-brands', 'extra']],
    [['rotate']],
    [[]],
  ])('refuses %j as a usage error and creates nothing', async (args) => {
    const { repo, create } = fakeKeys();
    await expect(keysCommand(args, repo)).rejects.toThrow(UsageError);
    expect(create).not.toHaveBeenCalled();
  });
});

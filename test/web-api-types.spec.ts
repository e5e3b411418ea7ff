import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

// The web app reads the API through types generated from its OpenAPI document: a DTO changed without regenerating
// them (npm run api:types) fails here, not in a person's browser. The generator runs as its own process, as
// `npm run api:types` does (openapi-typescript's dependencies are ES modules, which jest's CommonJS cannot load).
describe('the web app API types', () => {
  it('are what openapi-typescript makes of the current OpenAPI document', () => {
    const generated = execFileSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'scripts/api-types.ts', '--stdout'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(generated).toBe(readFileSync(join(ROOT, 'apps', 'web', 'src', 'api-schema.generated.ts'), 'utf8'));
  });
});

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { rotateTenantSecret } from '@consign/operations';
import { Command, confirmation, flag, required, text, UsageError, yesOption } from '../../command';
import { json } from '../../render';
import { renderTenants, tenantCommandDependencies, tenantsTopicOption } from './tenant-store-access';

export const tenantsRotateSecret: Command = {
  path: ['tenants', 'rotate-secret'],
  summary: 'give a store a new webhook secret, the previous one accepted until retired',
  usage: 'tenants rotate-secret <tenant id> --kind shopify|clerk (--secret-file <file> | --retire-previous [--yes])',
  details: `--secret-file: the file's first line becomes the current secret (Shopify's, or the Clerk
endpoint's whsec_ signing secret); every secret listed before stays accepted. Once the sender signs
with the new one, --retire-previous drops the others (asks first unless --yes).`,
  operands: { name: '<tenant id>', description: 'the stored tenant' },
  options: {
    kind: { type: 'string', value: 'shopify|clerk', description: 'which sender signs with the secret', required: true },
    'secret-file': { type: 'string', value: '<file>', description: 'a file whose first line is the new current secret', default: 'none' },
    'retire-previous': { type: 'boolean', description: 'drop every secret but the current one' },
    ...yesOption('retire'),
    ...tenantsTopicOption,
  },
  async run(invocation) {
    const { values, positionals, json: asJson, context, io } = invocation;
    const kind = required(values, 'kind');
    if (kind !== 'shopify' && kind !== 'clerk') throw new UsageError(`--kind must be shopify or clerk, got "${kind}"`);
    const secretFile = text(values, 'secret-file');
    if ((secretFile === undefined) === !flag(values, 'retire-previous'))
      throw new UsageError('give --secret-file <file> (a new secret) or --retire-previous, one of them');
    let newSecret = '';
    if (secretFile !== undefined) {
      try {
        newSecret = (await readFile(resolve(io.env.INIT_CWD ?? process.cwd(), secretFile), 'utf8')).split('\n')[0].trim();
      } catch (error) {
        throw new UsageError(`cannot read ${secretFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      if (newSecret === '') throw new UsageError(`${secretFile} is empty: its first line is the new secret`);
    }
    const deps = await tenantCommandDependencies(values, context, io);
    const outcome =
      secretFile !== undefined
        ? await rotateTenantSecret(deps, positionals[0], { kind, newSecret })
        : await rotateTenantSecret({ ...deps, confirm: confirmation(invocation) }, positionals[0], { kind, retirePrevious: true });
    if (asJson) return (io.out(json(outcome)), 0);
    io.out(renderTenants([outcome.tenant]));
    io.out(
      secretFile !== undefined
        ? `New current ${kind} secret for ${outcome.tenant.id}; the previous one(s) stay accepted until --retire-previous.\n`
        : `Retired ${outcome.retired.length} previous ${kind} secret(s) of ${outcome.tenant.id}.\n`,
    );
    return 0;
  },
};

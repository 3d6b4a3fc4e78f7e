import { CreateProcessedEvents1764355100000 } from '@consign/database';
import { CreateOutboxEvents1764355150000 } from '@consign/outbox';
import { CreatePersonalDataKeys1764362000000, KeyEncryptionKeys } from '@consign/personal-data';
import { CreateConsignors1764358000000 } from './migrations/1764358000000-create-consignors';
import { encryptConsignorPersonalData } from './migrations/1764362100000-encrypt-consignor-personal-data';

export { consignorIdFor, shopifyTagFor } from './domain/consignor';
export { consignorEventHandlers, handleClerkUserEvent } from './handlers';
export type { ClerkUserEvent } from './handlers/clerk-users';
export { createConsignorReadRouter } from './http/consignor-read-router';
export { CreateConsignors1764358000000 } from './migrations/1764358000000-create-consignors';

/** The migrations, the last sealing what earlier versions stored in the clear: it needs the KEKs. */
export function consignorMigrations(keys: KeyEncryptionKeys) {
  return [
    CreateProcessedEvents1764355100000,
    CreateOutboxEvents1764355150000,
    CreateConsignors1764358000000,
    CreatePersonalDataKeys1764362000000,
    encryptConsignorPersonalData(keys),
  ];
}

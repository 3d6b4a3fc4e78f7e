export { developmentKeyEncryptionKeys, KeyEncryptionKeys, keyEncryptionKeysSetting } from './key-encryption-keys';
export { erasePersonalData, openPersonalData, personalDataSealer, personalDataSealers, runRewrapCommand } from './personal-data-store';
export type { OpenedPersonalData, PersonalDataSealer } from './personal-data-store';
export { CreatePersonalDataKeys1764362000000 } from './personal-data-keys-migration';
export { clerkUserSubject, shopifyStoreSubject } from './subjects';
export { openBytesWithDataKey, unwrapDataKey } from './envelope';

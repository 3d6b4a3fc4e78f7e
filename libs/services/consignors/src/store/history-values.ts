import { OpenedPersonalData, PersonalDataSealer } from '@consign/personal-data';
import { isPersonalProfileField, personalProfileFields } from '../domain/consignor';

/**
 * A history value as stored: its personal part sealed, the rest (status, rate, ids) in the clear, so
 * that erasing the person leaves the consignor's history readable. A change of a personal field is
 * all personal; a registration snapshot is split by field.
 */
export interface StoredHistoryValue {
  open: unknown;
  sealed: Buffer | null;
}

export function storedHistoryValue(field: string | null, value: unknown, sealer: PersonalDataSealer): StoredHistoryValue {
  if (isPersonalProfileField(field)) return { open: null, sealed: sealer.seal(JSON.stringify(value ?? null)) };
  if (field !== null || typeof value !== 'object' || value === null) return { open: value ?? null, sealed: null };
  const entries = Object.entries(value);
  const personal = entries.filter(([key]) => isPersonalProfileField(key));
  if (personal.length === 0) return { open: value, sealed: null };
  return {
    open: Object.fromEntries(entries.filter(([key]) => !isPersonalProfileField(key))),
    sealed: sealer.seal(JSON.stringify(Object.fromEntries(personal))),
  };
}

/** The value as it was recorded, or, once the person is erased, with null for its personal part. */
export function readHistoryValue(
  field: string | null,
  stored: StoredHistoryValue,
  opened: OpenedPersonalData,
): { value: unknown; erased: boolean } {
  if (stored.sealed === null) return { value: stored.open, erased: false };
  const text = opened.text(stored.sealed);
  if (text === null) {
    const erasedPart = isPersonalProfileField(field) ? null : Object.fromEntries(personalProfileFields.map((key) => [key, null]));
    return { value: erasedPart === null ? null : { ...(stored.open as object), ...erasedPart }, erased: true };
  }
  const personal: unknown = JSON.parse(text);
  return { value: isPersonalProfileField(field) ? personal : { ...(stored.open as object), ...(personal as object) }, erased: false };
}

import { configurationReferenceProblems } from '@consign/test-support';
import { inventorySettings } from '../src/config';

describe('docs/configuration.md, inventory-service', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('inventory-service', inventorySettings)).toEqual([]);
  });
});

import { configurationReferenceProblems } from '@consign/test-support';
import { operationsSettingSpec } from '../../src/settings/operations-settings';

describe('docs/configuration.md, ops-cli', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('ops-cli', operationsSettingSpec)).toEqual([]);
  });
});

import { configurationReferenceProblems } from '@consign/test-support';
import { earningsSettings } from '../src/config';

describe('docs/configuration.md, earnings-service', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('earnings-service', earningsSettings)).toEqual([]);
  });
});

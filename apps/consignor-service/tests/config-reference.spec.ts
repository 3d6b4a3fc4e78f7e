import { configurationReferenceProblems } from '@consign/test-support';
import { consignorSettings } from '../src/config';

describe('docs/configuration.md, consignor-service', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('consignor-service', consignorSettings)).toEqual([]);
  });
});

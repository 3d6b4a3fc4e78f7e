import { configurationReferenceProblems } from '@consign/test-support';
import { gatewaySettings } from '../src/config';

describe('docs/configuration.md, gateway', () => {
  it('lists exactly the settings, each with its real default', () => {
    expect(configurationReferenceProblems('gateway', gatewaySettings)).toEqual([]);
  });
});
